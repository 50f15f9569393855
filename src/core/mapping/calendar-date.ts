export type DateOrder = 'DMY' | 'MDY';

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const isoDate = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/;
const yearFirst = /^(\d{4})[./](\d{1,2})[./](\d{1,2})$/;
const yearLast = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[T ,]+.*)?$/;
const compact = /^(\d{4})(\d{2})(\d{2})$/;
// Excel serial days count from 1899-12-30 (past its phantom 29 February 1900). Only five-digit
// serials (1927-05-18 to 2173) are taken, so that a bare year such as "1990" is never read as one.
const excelSerial = /^\d{5}$/;
const excelEpochMs = Date.UTC(1899, 11, 30);
const dayMs = 86_400_000;

/**
 * The calendar date written in a value, taken literally: a datetime's date part is used as written,
 * without time-zone conversion, because a birthdate stored as midnight in some zone means that day.
 *
 * Day-first or month-first: `.` is always day-first (German, Turkish, …); for `/` and `-` the
 * order is the one given, unless one part is above 12, which settles it.
 */
export function parseCalendarDate(text: string, order: DateOrder): CalendarDate | undefined {
  const trimmed = text.trim();
  const iso = isoDate.exec(trimmed) ?? yearFirst.exec(trimmed) ?? compact.exec(trimmed);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const local = yearLast.exec(trimmed);
  if (local) return fromYearLast(Number(local[1]), Number(local[2]), Number(local[3]), order, trimmed);
  if (excelSerial.test(trimmed)) return fromExcelSerial(Number(trimmed));
  return undefined;
}

function fromYearLast(first: number, second: number, year: number, order: DateOrder, text: string) {
  const dayFirst = text.includes('.') || first > 12 || (order === 'DMY' && second <= 12);
  return dayFirst ? validDate(year, second, first) : validDate(year, first, second);
}

function fromExcelSerial(serial: number): CalendarDate | undefined {
  const date = new Date(excelEpochMs + serial * dayMs);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : undefined;
}

export function formatCalendarDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
