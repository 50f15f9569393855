import { describe, expect, it } from 'vitest';
import {
  customerAt,
  duplicateOf,
  emailKindAt,
  PROFILE_FIELDS,
  profileAt,
  segmentMembers,
  segmentSize,
} from '../../sandbox/customer-insights/profiles.ts';

const segment = { seed: 7, start: 1_000, size: 500 };

describe('the sandbox profile generator', () => {
  it('gives the same profile for the same seed and index, and another for another seed', () => {
    expect(profileAt(segment, 42)).toEqual(profileAt({ ...segment }, 42));
    expect(customerAt(7, 1_042)).toEqual(profileAt(segment, 42));
    expect(customerAt(8, 1_042).CustomerId).not.toBe(customerAt(7, 1_042).CustomerId);
  });

  it('orders CustomerIds as strings in member order', () => {
    const ids = [...segmentMembers(segment)].map((profile) => profile.CustomerId);
    expect(ids).toHaveLength(segmentSize(segment));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses an index outside the segment', () => {
    expect(() => profileAt(segment, 500)).toThrow(RangeError);
    expect(() => profileAt(segment, -1)).toThrow(RangeError);
  });

  it('fills every documented field', () => {
    expect(Object.keys(customerAt(1, 0)).sort()).toEqual([...PROFILE_FIELDS].sort());
  });

  it('dirties emails at the documented indices', () => {
    expect(emailKindAt(1_013)).toBe('invalid');
    expect(customerAt(1, 1_013).EmailAddress).not.toMatch(/^[^@\s,]+@[^@\s,]+\.[a-z]+$/);
    expect(customerAt(1, 1_027).EmailAddress).toBe('');
    expect(customerAt(1, 1_041).EmailAddress).toBeNull();
    expect(duplicateOf(1_055)).toBe(1_052);
    expect(customerAt(1, 1_055).EmailAddress).toBe(customerAt(1, 1_052).EmailAddress);
    expect(duplicateOf(1_068)).toBe(1_066);
    const mixed = customerAt(1, 1_068).EmailAddress ?? '';
    expect(mixed).not.toBe(customerAt(1, 1_066).EmailAddress);
    expect(mixed.trim().toLowerCase()).toBe(customerAt(1, 1_066).EmailAddress);
    expect((customerAt(1, 1_079).EmailAddress ?? '').split('@')[0]).toHaveLength(64);
    expect(customerAt(1, 1_090).EmailAddress).not.toBe(customerAt(1, 1_090).EmailAddress?.trim());
    expect(duplicateOf(1_000)).toBeNull();
  });

  it('contains non-Latin names and country and phone variants in a few thousand customers', () => {
    const profiles = Array.from({ length: 3_000 }, (_, i) => customerAt(1, i));
    const names = profiles.map((profile) => `${profile.FirstName} ${profile.LastName}`).join(' ');
    for (const script of [/[İıŞşĞğ]/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u, /\p{Script=Han}/u]) {
      expect(names).toMatch(script);
    }
    const countries = new Set(profiles.map((profile) => profile.Country));
    for (const variant of ['Türkiye', 'Turkey', 'TR', 'Deutschland', 'USA'])
      expect(countries).toContain(variant);
    const phones = profiles.map((profile) => profile.Phone);
    expect(phones.some((phone) => phone.startsWith('+'))).toBe(true);
    expect(phones.some((phone) => phone.startsWith('00'))).toBe(true);
    expect(phones.some((phone) => /^0\d/.test(phone))).toBe(true);
    expect(phones.some((phone) => phone === '')).toBe(true);
    const birthDates = profiles.map((profile) => profile.BirthDate);
    for (const format of [/^\d{4}-\d\d-\d\d$/, /^\d\d\/\d\d\/\d{4}$/, /^\d\d\.\d\d\.\d{4}$/, /T00:00:00Z$/]) {
      expect(birthDates.some((date) => format.test(date))).toBe(true);
    }
  });
});
