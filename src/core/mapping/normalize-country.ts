import { textOf } from './blank.ts';
import { countryTable } from './country-table.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { foldKey } from './fold.ts';

const byKey = new Map<string, string>();
for (const country of countryTable) {
  for (const name of [country.alpha2, country.alpha3, country.name, ...country.aliases]) {
    byKey.set(countryKey(name), country.alpha2);
  }
}

/**
 * A country as its ISO 3166-1 alpha-2 code, from a code (alpha-2 or alpha-3) or a name in English,
 * Turkish or the country's own language; case, accents, punctuation and spacing do not matter.
 */
export function normalizeCountry(value: unknown): FieldResult<string> {
  const text = textOf(value);
  if (text === undefined) return reject('country-unknown');
  const key = countryKey(text);
  const code = byKey.get(key) ?? (key.startsWith('the') ? byKey.get(key.slice(3)) : undefined);
  return code === undefined ? reject('country-unknown') : accept(code);
}

// "St. Kitts & Nevis" (CLDR) and "Saint Kitts and Nevis" (ISO) are the same country.
function countryKey(name: string): string {
  return foldKey(name.replace(/&/g, ' and ').replace(/\bst\.?(?=\s)/gi, 'saint'));
}

export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && byKey.get(code.toLowerCase()) === code;
}
