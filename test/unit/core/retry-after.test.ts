import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/core/retry-after.ts';

const NOW = Date.parse('2026-03-15T12:00:00Z');

describe('Retry-After, as both APIs send it', () => {
  it.each([
    ['0', 0],
    ['2', 2_000],
    [' 120 ', 120_000],
  ])('reads delay-seconds %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it('reads an HTTP-date as the time left until it', () => {
    expect(parseRetryAfter('Sun, 15 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 date form too', () => {
    expect(parseRetryAfter('Sunday, 15-Mar-26 12:01:00 GMT', NOW)).toBe(60_000);
  });

  it('waits nothing for a date already past', () => {
    expect(parseRetryAfter('Sun, 15 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('reads a date relative to the clock it is given', () => {
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 20_000)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', '-1', '1.5', '2026-03-15T12:00:30Z'])(
    'does not understand %j',
    (header) => {
      expect(parseRetryAfter(header, NOW)).toBeUndefined();
    },
  );
});
