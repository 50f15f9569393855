import { describe, expect, it } from 'vitest';
import { countryTable } from '../../../../src/core/mapping/country-table.ts';
import { isCountryCode, normalizeCountry } from '../../../../src/core/mapping/normalize-country.ts';

describe('normalizeCountry', () => {
  it.each([
    ['TR', 'TR'],
    ['tr', 'TR'],
    ['TUR', 'TR'],
    ['Türkiye', 'TR'],
    ['TURKIYE', 'TR'],
    ['Turkey', 'TR'],
    ['  turkey  ', 'TR'],
    ['Deutschland', 'DE'],
    ['Hellas', 'GR'],
    ['Germany', 'DE'],
    ['DE', 'DE'],
    ['DEU', 'DE'],
    ['Almanya', 'DE'],
    ['United States', 'US'],
    ['United States of America', 'US'],
    ['USA', 'US'],
    ['U.S.', 'US'],
    ['U.S.A.', 'US'],
    ['ABD', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['GBR', 'GB'],
    ['İngiltere', 'GB'],
    ['España', 'ES'],
    ['espana', 'ES'],
    ['Česko', 'CZ'],
    ['Czech Republic', 'CZ'],
    ['Polska', 'PL'],
    ['Italia', 'IT'],
    ['Nederland', 'NL'],
    ['The Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['Sverige', 'SE'],
    ['Norge', 'NO'],
    ['Danmark', 'DK'],
    ['Suomi', 'FI'],
    ['Österreich', 'AT'],
    ['Schweiz', 'CH'],
    ['Suisse', 'CH'],
    ['Belgique', 'BE'],
    ['België', 'BE'],
    ['Magyarország', 'HU'],
    ['România', 'RO'],
    ['Ελλάδα', 'GR'],
    ['Россия', 'RU'],
    ['Russian Federation', 'RU'],
    ['Україна', 'UA'],
    ['日本', 'JP'],
    ['Brasil', 'BR'],
    ['México', 'MX'],
    ['Korea, Republic of', 'KR'],
    ['South Korea', 'KR'],
    ['Saint Kitts and Nevis', 'KN'],
    ['St. Kitts & Nevis', 'KN'],
    ['Bosnia and Herzegovina', 'BA'],
    ["Côte d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Hong Kong', 'HK'],
    ['UAE', 'AE'],
    ['Kıbrıs', 'CY'],
  ])('reads %j as %s', (input, code) => {
    expect(normalizeCountry(input)).toEqual({ ok: true, value: code });
  });

  it.each(['Narnia', 'XK', 'EU', 'ZZ', '', '   ', null, 12])('does not know %j', (input) => {
    expect(normalizeCountry(input)).toEqual({ ok: false, reason: 'country-unknown' });
  });

  it('knows every officially assigned ISO 3166-1 code once', () => {
    expect(countryTable).toHaveLength(249);
    expect(new Set(countryTable.map((c) => c.alpha2)).size).toBe(249);
    expect(new Set(countryTable.map((c) => c.alpha3)).size).toBe(249);
    for (const { alpha2, alpha3 } of countryTable) {
      expect(alpha2).toMatch(/^[A-Z]{2}$/);
      expect(alpha3).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('reads every code, English name and alias in the table back to its own country', () => {
    for (const country of countryTable) {
      for (const name of [country.alpha2, country.alpha3, country.name, ...country.aliases]) {
        expect(normalizeCountry(name), name).toEqual({ ok: true, value: country.alpha2 });
        expect(normalizeCountry(name.toUpperCase()), name).toEqual({ ok: true, value: country.alpha2 });
      }
    }
  });

  it('tells an ISO alpha-2 code from anything else', () => {
    expect(isCountryCode('TR')).toBe(true);
    expect(isCountryCode('tr')).toBe(false);
    expect(isCountryCode('TUR')).toBe(false);
    expect(isCountryCode('XK')).toBe(false);
  });
});
