import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isPropertyName,
  normalizePropertyName,
  normalizePropertyValue,
} from '../../../../src/core/mapping/normalize-property.ts';

describe('normalizePropertyName', () => {
  it.each([
    ['loyalty_tier', 'loyalty_tier'],
    ['Loyalty Tier', 'Loyalty_Tier'],
    ['Müşteri Puanı', 'Musteri_Puani'],
    ['İlk Sipariş Tarihi', 'Ilk_Siparis_Tarihi'],
    ['çğıöşü ÇĞİÖŞÜ', 'cgiosu_CGIOSU'],
    ['Straße', 'Strasse'],
    ['café-crème', 'cafe_creme'],
    ['  --a  --  b--  ', 'a_b'],
    ['a__b', 'a_b'],
    ['_x_', 'x'],
    ['Łódź', 'Lodz'],
    ['2024 Spend (€)', '2024_Spend'],
    [`${'a'.repeat(127)} b`, 'a'.repeat(127)],
  ])('makes %j into %j', (input, expected) => {
    expect(normalizePropertyName(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '   ', '___', '€€€', 'Имя', '名前'])('rejects %j, which has nothing left', (input) => {
    expect(normalizePropertyName(input)).toEqual({ ok: false, reason: 'property-name-invalid' });
  });

  it('always gives a name Omnisend accepts, and keeps such a name as it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        const result = normalizePropertyName(input);
        if (result.ok) {
          expect(isPropertyName(result.value)).toBe(true);
          expect(normalizePropertyName(result.value)).toEqual(result);
        }
      }),
    );
  });
});

describe('normalizePropertyValue', () => {
  it.each([
    ['gold', 'gold'],
    ['  gold  ', 'gold'],
    [42, 42],
    [0, 0],
    [3.5, 3.5],
    [true, true],
    [false, false],
    ['x'.repeat(2048), 'x'.repeat(2048)],
  ])('keeps %j as %j', (input, expected) => {
    expect(normalizePropertyValue(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['x'.repeat(2049), 'property-value-too-long'],
    [Number.NaN, 'property-value-unsupported'],
    [Number.POSITIVE_INFINITY, 'property-value-unsupported'],
    [{ a: 1 }, 'property-value-unsupported'],
    [[1, 2], 'property-value-unsupported'],
  ])('rejects %j with %s', (input, reason) => {
    expect(normalizePropertyValue(input)).toEqual({ ok: false, reason });
  });
});
