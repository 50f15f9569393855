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

const AGO_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** How long ago, in the UI language: "3 hours ago" / "3 saat önce", "now" / "şimdi". */
export function formatTimeAgo(epochMs: number, now: number): string {
  const format = new Intl.RelativeTimeFormat(browser.i18n.getUILanguage(), { numeric: 'auto' });
  const ago = now - epochMs;
  for (const [unit, size] of AGO_UNITS) if (ago >= size) return format.format(-Math.floor(ago / size), unit);
  return format.format(0, 'second');
}
