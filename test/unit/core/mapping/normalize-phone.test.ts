import { type CountryCode, getExampleNumber, type PhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { foldDigits } from '../../../../src/core/mapping/fold-digits.ts';
import { formatPhone, normalizePhone } from '../../../../src/core/mapping/normalize-phone.ts';

const arabicIndic = (text: string) => text.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
const fullWidth = (text: string) =>
  text.replace(/[\d+]/g, (c) => (c === '+' ? '＋' : String.fromCharCode(0xff10 + Number(c))));

/** The ways people write one number, each with the country the row would give, if any. */
function writings(example: PhoneNumber): [written: string, country: CountryCode | undefined][] {
  const country = example.country;
  const code = example.countryCallingCode;
  const national = example.nationalNumber;
  return [
    [example.number, undefined],
    [example.formatInternational(), undefined],
    [example.formatInternational().replace('+', '00'), undefined],
    [example.formatNational(), country],
    [national, country],
    [`${code}${national}`, country],
    [`+${code} (${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`, undefined],
    [`${example.formatNational().replace(/\s/g, '.')}`, country],
    [example.format('RFC3966'), undefined],
    [fullWidth(example.number), undefined],
    [arabicIndic(example.formatNational()), country],
  ];
}

// Fifty countries across every continent and numbering plan shape: trunk prefixes 0, 8 and 06,
// none (Italy, Spain, Norway), a trunk prefix that is part of the number (Italy), +1 and +7 shared
// by several countries, and national numbers of 7 to 11 digits.
const countries = (
  'TR DE GB FR IT ES NL BE AT CH SE NO DK FI PL CZ HU RO GR PT IE LT LV EE UA RU KZ AZ GE US CA MX ' +
  'BR AR CL CO AU NZ JP KR CN IN ID MY SG AE SA EG ZA NG IL CY'
).split(' ') as CountryCode[];

describe('normalizePhone with libphonenumber example numbers', () => {
  it('covers at least forty countries', () => {
    expect(new Set(countries).size).toBeGreaterThanOrEqual(40);
  });

  for (const country of countries) {
    it(`reads every way of writing ${country}'s example mobile number as that number`, () => {
      const example = getExampleNumber(country, examples);
      if (example === undefined) throw new Error(`no example for ${country}`);
      const forms = writings(example);
      expect(forms.length).toBeGreaterThanOrEqual(8);
      for (const [written, rowCountry] of forms) {
        expect(normalizePhone(written, rowCountry), `${written} (${rowCountry})`).toEqual({
          ok: true,
          value: { number: example.number },
        });
      }
      expect(normalizePhone(`${example.formatInternational()} ext. 12`)).toEqual({
        ok: true,
        value: { number: example.number, droppedExtension: '12' },
      });
      expect(normalizePhone(`tel:${example.number};ext=345`)).toEqual({
        ok: true,
        value: { number: example.number, droppedExtension: '345' },
      });
    });
  }
});

describe('normalizePhone policy', () => {
  it.each([
    ['4915123456789', 'DE', '+4915123456789'],
    ['436641234567', 'AT', '+436641234567'],
    ['358401234567', 'FI', '+358401234567'],
    ['6281234567890', 'ID', '+6281234567890'],
    ['46701234567', 'SE', '+46701234567'],
    ['60123456789', 'MY', '+60123456789'],
    ['64211234567', 'NZ', '+64211234567'],
    ['393123456789', 'IT', '+393123456789'],
    ['905321234567', 'TR', '+905321234567'],
    ['0978958720', 'CN', '+86978958720'],
    ['8 612 34567', 'LT', '+37061234567'],
    ['0 612 34567', 'LT', '+37061234567'],
    ['06 6982 1234', 'IT', '+390669821234'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['00 90 532 123 45 67', 'US', '+905321234567'],
    ['+90 (0) 532 123 45 67', 'DE', '+905321234567'],
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    [5321234567, 'TR', '+905321234567'],
    ['٠٥٣٢ ١٢٣ ٤٥ ٦٧', 'TR', '+905321234567'],
    ['۰۵۳۲ ۱۲۳ ۴۵ ۶۷', 'TR', '+905321234567'],
    ['०५३२ १२३ ४५ ६७', 'TR', '+905321234567'],
    ['０５３２ １２３ ４５ ６７', 'TR', '+905321234567'],
  ])('writes %j (country %s) as %s', (input, country, expected) => {
    expect(normalizePhone(input, country)).toEqual({ ok: true, value: { number: expected } });
  });

  it.each([
    ['0532 123 45 67 dahili 12', 'TR', '+905321234567', '12'],
    ['+49 30 1234567 Durchwahl 7', undefined, '+49301234567', '7'],
    ['0532-123-4567 x1', 'TR', '+905321234567', '1'],
    ['+905321234567#12', undefined, '+905321234567', '12'],
  ])('drops the extension of %j and says so', (input, country, number, extension) => {
    expect(normalizePhone(input, country)).toEqual({
      ok: true,
      value: { number, droppedExtension: extension },
    });
  });

  it.each([
    ['0532 123 45 67', undefined, 'phone-needs-country'],
    ['5321234567', undefined, 'phone-needs-country'],
    ['905321234567', undefined, 'phone-needs-country'],
    ['0532 123 45', 'TR', 'phone-invalid'],
    ['0532 123 45 67 89', 'TR', 'phone-invalid'],
    ['+90 532', undefined, 'phone-invalid'],
    ['+999 1234567', undefined, 'phone-invalid'],
    ['+1 055 123 4567', undefined, 'phone-invalid'],
    ['+1 555 010 0000', undefined, 'phone-invalid'],
    ['+90 000 000 00 00', undefined, 'phone-invalid'],
    ['call me', 'TR', 'phone-invalid'],
    ['1.2E+10', 'TR', 'phone-invalid'],
    ['1-800-FLOWERS', 'US', 'phone-invalid'],
    ['', 'TR', 'phone-invalid'],
    ['+1234567890123456', undefined, 'phone-invalid'],
  ])('rejects %j (country %s) with %s', (input, country, reason) => {
    expect(normalizePhone(input, country)).toEqual({ ok: false, reason });
  });

  it('writes every E.164 number it made back to itself, whatever the row country', () => {
    for (const country of countries) {
      const example = getExampleNumber(country, examples);
      if (example === undefined) continue;
      const first = normalizePhone(example.formatNational(), country);
      if (!first.ok) throw new Error(`expected ${example.formatNational()} to be valid`);
      expect(normalizePhone(first.value.number)).toEqual(first);
      expect(normalizePhone(first.value.number, 'JP')).toEqual(first);
    }
  });

  it('formats a number for people to read', () => {
    expect(formatPhone('+905321234567')).toBe('+90 532 123 45 67');
  });
});

describe('foldDigits', () => {
  it('folds decimal digits of every script to ASCII and leaves the rest', () => {
    expect(foldDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(foldDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(foldDigits('०१२३४५६७८९')).toBe('0123456789');
    expect(foldDigits('০১২৩৪৫৬৭৮৯')).toBe('0123456789');
    expect(foldDigits('๐๑๒๓๔๕๖๗๘๙')).toBe('0123456789');
    expect(foldDigits('𝟎𝟏𝟐𝟑𝟗𝟘𝟙𝟡')).toBe('01239019');
    expect(foldDigits('Tel: +٩٠ (٥٣٢)')).toBe('Tel: +90 (532)');
    expect(foldDigits('Ayşe 12')).toBe('Ayşe 12');
  });
});
