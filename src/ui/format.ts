import browser from 'webextension-polyfill';

// Made once per page: a formatter resolves its locale's data when it is made, which costs more than
// formatting, and the UI language does not change while a page is open. A run's progress formats
// its counts every second.
let dateTimes: Intl.DateTimeFormat | undefined;
let numbers: Intl.NumberFormat | undefined;

/** Dates in the UI language, e.g. "29 Nov 2026, 14:05" / "29 Kas 2026 14:05". */
export function formatDateTime(epochMs: number): string {
  dateTimes ??= new Intl.DateTimeFormat(browser.i18n.getUILanguage(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return dateTimes.format(epochMs);
}

/** Counts in the UI language: "1,234" / "1.234". */
export function formatNumber(value: number): string {
  numbers ??= new Intl.NumberFormat(browser.i18n.getUILanguage());
  return numbers.format(value);
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
