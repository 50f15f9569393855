import { describe, expect, it } from 'vitest';
import { normalizeGender } from '../../../../src/core/mapping/normalize-gender.ts';

describe('normalizeGender', () => {
  it.each([
    'm',
    'M',
    'male',
    'Male',
    'MAN',
    'erkek',
    'ERKEK',
    'Erkek',
    'E',
    'Bay',
    'männlich',
    'Herr',
    'homme',
    'masculino',
    'Mr.',
  ])('reads %j as m', (input) => {
    expect(normalizeGender(input)).toEqual({ ok: true, value: 'm' });
  });

  it.each([
    'f',
    'F',
    'female',
    'Woman',
    'kadın',
    'KADIN',
    'Kadin',
    'K',
    'Bayan',
    'weiblich',
    'W',
    'Frau',
    'femme',
    'mujer',
    'Mrs',
  ])('reads %j as f', (input) => {
    expect(normalizeGender(input)).toEqual({ ok: true, value: 'f' });
  });

  it.each([
    'x',
    'other',
    'non-binary',
    'unknown',
    'prefer not to say',
    '',
    '2',
    1,
    null,
    'constructor',
    '__proto__',
  ])('leaves %j out as unknown', (input) => {
    expect(normalizeGender(input)).toEqual({ ok: false, reason: 'gender-unknown' });
  });
});
