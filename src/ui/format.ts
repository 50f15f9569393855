import browser from 'webextension-polyfill';

/** Dates in the UI language, e.g. "29 Nov 2026, 14:05" / "29 Kas 2026 14:05". */
export function formatDateTime(epochMs: number): string {
  return new Intl.DateTimeFormat(browser.i18n.getUILanguage(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(epochMs);
}

/** Counts in the UI language: "1,234" / "1.234". */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(browser.i18n.getUILanguage()).format(value);
}
