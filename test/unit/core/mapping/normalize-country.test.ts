import { describe, expect, it } from 'vitest';
import { countryAliases } from '../../../../src/core/mapping/country-aliases.ts';
import { isoCountries } from '../../../../src/core/mapping/country-index.ts';
import {
  isCountryCode,
  isCountryPlaceholder,
  normalizeCountry,
} from '../../../../src/core/mapping/normalize-country.ts';

const languages = ['en', 'tr', 'de', 'fr', 'es'] as const;

describe('normalizeCountry', () => {
  it('holds every officially assigned ISO 3166-1 country once', () => {
    expect(isoCountries).toHaveLength(249);
    expect(new Set(isoCountries.map((c) => c.alpha2)).size).toBe(249);
    expect(new Set(isoCountries.map((c) => c.alpha3)).size).toBe(249);
    expect(new Set(isoCountries.map((c) => c.numeric)).size).toBe(249);
  });

  it('reads every country by its alpha-2, alpha-3 and numeric code, in any case', () => {
    for (const { alpha2, alpha3, numeric } of isoCountries) {
      for (const code of [alpha2, alpha3, alpha3.toLowerCase(), numeric]) {
        expect(normalizeCountry(code), code).toEqual({ ok: true, value: alpha2 });
      }
    }
  });

  it.each(languages)('reads every country by its CLDR name in %s, as written and in capitals', (language) => {
    const names = new Intl.DisplayNames(language, { type: 'region', fallback: 'none' });
    for (const { alpha2 } of isoCountries) {
      const name = names.of(alpha2);
      expect(name, `${language} ${alpha2}`).toBeDefined();
      if (name === undefined) continue;
      expect(normalizeCountry(name), `${language} ${name}`).toEqual({ ok: true, value: alpha2 });
      expect(normalizeCountry(name.toLocaleUpperCase(language)), `${language} ${name}`).toEqual({
        ok: true,
        value: alpha2,
      });
    }
  });

  it('reads every ISO 3166-1 name, in its list form and as a sentence', () => {
    for (const { alpha2, name } of isoCountries) {
      expect(normalizeCountry(name), name).toEqual({ ok: true, value: alpha2 });
    }
    expect(normalizeCountry('Islamic Republic of Iran')).toEqual({ ok: true, value: 'IR' });
    expect(normalizeCountry('United Republic of Tanzania')).toEqual({ ok: true, value: 'TZ' });
    expect(normalizeCountry('Plurinational State of Bolivia')).toEqual({ ok: true, value: 'BO' });
    expect(normalizeCountry('British Virgin Islands')).toEqual({ ok: true, value: 'VG' });
  });

  it('reads every alias back to its own country', () => {
    for (const [code, aliases] of Object.entries(countryAliases)) {
      for (const alias of aliases) expect(normalizeCountry(alias), alias).toEqual({ ok: true, value: code });
    }
  });

  it.each([
    ['Frankreich', 'FR'],
    ['Spanien', 'ES'],
    ['Türkei', 'TR'],
    ['Vereinigtes Königreich', 'GB'],
    ['Beyaz Rusya', 'BY'],
    ['Çek Cumhuriyeti', 'CZ'],
    ['Fildişi Sahili', 'CI'],
    ['Birleşik Devletler', 'US'],
    ['KKTC', 'CY'],
    ['BRD', 'DE'],
    ['792', 'TR'],
    ['Türkiye', 'TR'],
    ['TURKIYE', 'TR'],
    ['  turkey  ', 'TR'],
    ['Almanya', 'DE'],
    ['U.S.A.', 'US'],
    ['ABD', 'US'],
    ['İngiltere', 'GB'],
    ['The Netherlands', 'NL'],
    ['St. Kitts & Nevis', 'KN'],
    ["Côte d'Ivoire", 'CI'],
    ['Ελλάδα', 'GR'],
    ['Россия', 'RU'],
    ['日本', 'JP'],
    ['Magyarország', 'HU'],
    ['Zaire', 'CD'],
    ['Burma', 'MM'],
    ['NA', 'NA'],
  ])('reads %j as %s', (input, code) => {
    expect(normalizeCountry(input)).toEqual({ ok: true, value: code });
  });

  it.each([
    'N/A',
    'n/a',
    'N.A.',
    'n.a.',
    'na',
    '-',
    '--',
    '—',
    '?',
    'none',
    'None',
    'NULL',
    'unknown',
    'Unknown',
    'yok',
    'Yok',
    'bilinmiyor',
    'BİLİNMİYOR',
    'Belirtilmemiş',
    'Diğer',
    'k.A.',
    'keine Angabe',
    'inconnu',
    'desconocido',
    'XX',
  ])('never reads the placeholder %j as a country', (input) => {
    expect(isCountryPlaceholder(input)).toBe(true);
    expect(normalizeCountry(input)).toEqual({ ok: false, reason: 'country-unknown' });
  });

  it.each(['Narnia', 'XK', 'EU', 'ZZ', '90', '1', 'Virgin Islands', '', '   ', null, 12])(
    'does not know %j',
    (input) => {
      expect(normalizeCountry(input)).toEqual({ ok: false, reason: 'country-unknown' });
    },
  );

  it('tells an ISO alpha-2 code from anything else', () => {
    expect(isCountryCode('TR')).toBe(true);
    expect(isCountryCode('tr')).toBe(false);
    expect(isCountryCode('TUR')).toBe(false);
    expect(isCountryCode('XK')).toBe(false);
  });
});
