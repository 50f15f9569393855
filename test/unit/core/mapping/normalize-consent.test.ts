import { describe, expect, it } from 'vitest';
import { normalizeConsent, normalizeTimestamp } from '../../../../src/core/mapping/normalize-consent.ts';

describe('normalizeConsent', () => {
  it.each([
    'subscribed',
    'Subscribed',
    'yes',
    'Y',
    'true',
    true,
    '1',
    1,
    'opt-in',
    'Opted In',
    'evet',
    'EVET',
    'ja',
  ])('reads %j as subscribed', (input) => {
    expect(normalizeConsent(input)).toEqual({ ok: true, value: 'subscribed' });
  });

  it.each([
    'unsubscribed',
    'no',
    'N',
    'false',
    false,
    '0',
    0,
    'opt-out',
    'OPT_OUT',
    'hayır',
    'HAYIR',
    'hayir',
    'nein',
  ])('reads %j as unsubscribed', (input) => {
    expect(normalizeConsent(input)).toEqual({ ok: true, value: 'unsubscribed' });
  });

  it.each(['maybe', 'pending', '2', 'nonSubscribed', 'constructor', '__proto__', 'toString'])(
    'does not guess %j',
    (input) => {
      expect(normalizeConsent(input)).toEqual({ ok: false, reason: 'consent-unknown' });
    },
  );
});

describe('normalizeTimestamp', () => {
  it.each([
    ['2026-01-10T09:00:00Z', '2026-01-10T09:00:00Z'],
    ['2026-01-10T09:00:00.123Z', '2026-01-10T09:00:00.123Z'],
    ['2026-01-10T09:00:00.123456Z', '2026-01-10T09:00:00.123Z'],
    ['2026-01-10T12:00:00+03:00', '2026-01-10T09:00:00Z'],
    ['2026-01-10T04:00:00-0500', '2026-01-10T09:00:00Z'],
    ['2026-01-10 09:00', '2026-01-10T09:00:00Z'],
    ['2026-01-10', '2026-01-10T00:00:00Z'],
    ['10.01.2026', '2026-01-10T00:00:00Z'],
    ['2026-01-01T01:00:00+02:00', '2025-12-31T23:00:00Z'],
  ])('writes %j as %s', (input, expected) => {
    expect(normalizeTimestamp(input, 'DMY')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'consent-date-missing'],
    [null, 'consent-date-missing'],
    ['2026-02-30T09:00:00Z', 'consent-date-invalid'],
    ['2026-01-10T24:00:00Z', 'consent-date-invalid'],
    ['1736499600', 'consent-date-invalid'],
    ['last tuesday', 'consent-date-invalid'],
  ])('rejects %j with %s', (input, reason) => {
    expect(normalizeTimestamp(input, 'DMY')).toEqual({ ok: false, reason });
  });
});
