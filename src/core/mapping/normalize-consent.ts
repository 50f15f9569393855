import { textOf } from './blank.ts';
import { type DateOrder, formatCalendarDate, parseCalendarDate, validDate } from './calendar-date.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { foldKey } from './fold.ts';

export type ConsentStatus = 'subscribed' | 'unsubscribed';

const statuses = new Map<string, ConsentStatus>();
for (const word of [
  'subscribed',
  'subscribe',
  'yes',
  'y',
  'true',
  '1',
  'optin',
  'optedin',
  'on',
  'evet',
  'e',
  'abone',
  'ja',
  'oui',
  'si',
  'sim',
  'tak',
  'consent',
  'consented',
  'granted',
]) {
  statuses.set(word, 'subscribed');
}
for (const word of [
  'unsubscribed',
  'unsubscribe',
  'no',
  'n',
  'false',
  '0',
  'optout',
  'optedout',
  'off',
  'hayir',
  'h',
  'nein',
  'non',
  'nao',
  'nie',
  'revoked',
  'withdrawn',
  'denied',
]) {
  statuses.set(word, 'unsubscribed');
}

/** A consent value as a subscription status. Booleans and 1/0 from typed sources count too. */
export function normalizeConsent(value: unknown): FieldResult<ConsentStatus> {
  const text = textOf(value);
  const status = text === undefined ? undefined : statuses.get(foldKey(text));
  return status === undefined ? reject('consent-unknown') : accept(status);
}

const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * When the consent status last changed, as RFC 3339 in UTC (`2026-01-10T09:00:00Z`). A datetime
 * without a zone is taken as UTC; a bare date as its midnight UTC; epoch values are not guessed.
 */
export function normalizeTimestamp(value: unknown, order: DateOrder): FieldResult<string> {
  const text = textOf(value);
  if (text === undefined) return reject('consent-date-missing');
  const match = dateTime.exec(text);
  if (match) return fromDateTime(match);
  const date = parseCalendarDate(text, order);
  if (date === undefined) return reject('consent-date-invalid');
  return accept(`${formatCalendarDate(date)}T00:00:00Z`);
}

function fromDateTime(match: RegExpExecArray): FieldResult<string> {
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone = 'Z'] = match;
  const date = validDate(Number(year), Number(month), Number(day));
  if (date === undefined || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return reject('consent-date-invalid');
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc =
    Date.UTC(date.year, date.month - 1, date.day, Number(hour), Number(minute), Number(second), millis) -
    zoneOffsetMinutes(zone) * 60_000;
  const iso = new Date(utc).toISOString();
  return accept(iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}
