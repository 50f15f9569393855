import { textOf } from './blank.ts';
import { type DateOrder, formatCalendarDate, parseCalendarDate } from './calendar-date.ts';
import { accept, type FieldResult, reject } from './field-result.ts';

// Countries that write dates month first; everyone else reads 03/04 as 3 April.
const monthFirstCountries = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM', 'PH', 'FM', 'MH', 'PW']);

export function defaultDateOrder(country?: string): DateOrder {
  return country !== undefined && monthFirstCountries.has(country) ? 'MDY' : 'DMY';
}

/**
 * A birthdate as `YYYY-MM-DD`. `today` (`YYYY-MM-DD`) bounds it from above, 1900-01-01 from below:
 * outside that it is a data error, not a birthdate.
 */
export function normalizeBirthdate(value: unknown, order: DateOrder, today: string): FieldResult<string> {
  const text = textOf(value);
  const date = text === undefined ? undefined : parseCalendarDate(text, order);
  if (date === undefined) return reject('birthdate-invalid');
  const formatted = formatCalendarDate(date);
  // Same-length ISO dates compare correctly as strings.
  if (formatted < '1900-01-01' || formatted > today) return reject('birthdate-out-of-range');
  return accept(formatted);
}
