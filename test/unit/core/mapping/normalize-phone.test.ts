import { describe, expect, it } from 'vitest';
import { countryTable } from '../../../../src/core/mapping/country-table.ts';
import { normalizePhone } from '../../../../src/core/mapping/normalize-phone.ts';
import { phonePlans } from '../../../../src/core/mapping/phone-table.ts';

describe('normalizePhone', () => {
  it.each([
    ['0532 123 45 67', 'TR', '+905321234567'],
    ['(0532) 123-45-67', 'TR', '+905321234567'],
    ['5321234567', 'TR', '+905321234567'],
    ['905321234567', 'TR', '+905321234567'],
    ['+90 532 123 45 67', undefined, '+905321234567'],
    ['0090 532 123 45 67', undefined, '+905321234567'],
    ['+90 (0) 532 123 45 67', 'DE', '+905321234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['+49 30 1234567', 'TR', '+49301234567'],
    ['07700 900123', 'GB', '+447700900123'],
    ['+44 (0)20 7946 0958', undefined, '+442079460958'],
    ['(202) 555-0143', 'US', '+12025550143'],
    ['202.555.0143', 'US', '+12025550143'],
    ['1-202-555-0143', 'US', '+12025550143'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    ['06 30 123 4567', 'HU', '+36301234567'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['312 345 6789', 'IT', '+393123456789'],
    ['06 6982 1234', 'IT', '+390669821234'],
    ['612 345 678', 'ES', '+34612345678'],
    ['0412 345 678', 'AU', '+61412345678'],
    [5321234567, 'TR', '+905321234567'],
    ['+1 268 464 1234', undefined, '+12684641234'],
  ])('writes %j (country %s) as %s', (input, country, expected) => {
    expect(normalizePhone(input, country)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['0532 123 45 67', undefined, 'phone-needs-country'],
    ['5321234567', undefined, 'phone-needs-country'],
    ['0532 123 45', 'TR', 'phone-invalid'],
    ['0532 123 45 67 89', 'TR', 'phone-invalid'],
    ['+90 532', undefined, 'phone-invalid'],
    ['+999 1234567', undefined, 'phone-invalid'],
    ['+1 055 123 4567', undefined, 'phone-invalid'],
    ['call me', 'TR', 'phone-invalid'],
    ['0532 123 45 67 ext 12', 'TR', 'phone-invalid'],
    ['+90 532 123 45 67 x1', undefined, 'phone-invalid'],
    ['1.2E+10', 'TR', 'phone-invalid'],
    ['', 'TR', 'phone-invalid'],
    ['+1234567890123456', undefined, 'phone-invalid'],
  ])('rejects %j (country %s) with %s', (input, country, reason) => {
    expect(normalizePhone(input, country)).toEqual({ ok: false, reason });
  });

  it('has a numbering plan for every country in the country table, within E.164 bounds', () => {
    for (const { alpha2 } of countryTable) {
      const plan = phonePlans.get(alpha2);
      expect(plan, alpha2).toBeDefined();
      if (plan === undefined) continue;
      expect(plan.callingCode).toMatch(/^[1-9]\d{0,2}$/);
      expect(plan.minDigits).toBeLessThanOrEqual(plan.maxDigits);
      expect(plan.callingCode.length + plan.maxDigits).toBeLessThanOrEqual(15);
    }
    expect(phonePlans.size).toBe(countryTable.length);
  });

  it('writes every E.164 number it made back to itself', () => {
    const samples: [string, string][] = [
      ['0532 123 45 67', 'TR'],
      ['07700 900123', 'GB'],
      ['(202) 555-0143', 'US'],
      ['06 6982 1234', 'IT'],
    ];
    for (const [input, country] of samples) {
      const first = normalizePhone(input, country);
      if (!first.ok) throw new Error(`expected ${input} to be valid`);
      expect(normalizePhone(first.value)).toEqual(first);
      expect(normalizePhone(first.value, 'JP')).toEqual(first);
    }
  });
});
