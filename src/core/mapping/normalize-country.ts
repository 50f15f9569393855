import { textOf } from './blank.ts';
import { CountryIndex, countryKey } from './country-index.ts';
import { accept, type FieldResult, reject } from './field-result.ts';

let index: CountryIndex | undefined;
const countryIndex = () => {
  index ??= new CountryIndex();
  return index;
};

/**
 * What people write in a country column when they mean "no country". Compared without case,
 * spaces or dots, so `N/A`, `n.a.` and `N / A` meet. A country code in capitals is a code: `NA` is
 * Namibia and `SD` Sudan, while `n/a`, `na` and `s/d` are placeholders.
 */
const placeholders = new Set([
  '',
  '?',
  '??',
  '???',
  'na',
  'nd',
  'nil',
  'null',
  'none',
  'nan',
  'unknown',
  'notavailable',
  'notapplicable',
  'notspecified',
  'unspecified',
  'other',
  'tbd',
  'x',
  'xx',
  'xxx',
  '0',
  'yok',
  'bilinmiyor',
  'bilinmeyen',
  'belirtilmemiş',
  'belirtilmemis',
  'belirsiz',
  'diğer',
  'diger',
  'hiçbiri',
  'hicbiri',
  'keine',
  'keineangabe',
  'ka',
  'unbekannt',
  'inconnu',
  'aucun',
  'nondisponible',
  'desconocido',
  'ninguno',
  'sindatos',
  'sd',
  'nodisponible',
]);

/** True when a country value is a placeholder for "no country" (`N/A`, `-`, `yok`, …). */
export function isCountryPlaceholder(value: unknown): boolean {
  const text = textOf(value);
  if (text === undefined || (/^[A-Z]{2}$/.test(text) && countryIndex().isAssigned(text))) return false;
  return placeholders.has(
    text
      .replace(/[İI]/g, 'i')
      .toLowerCase()
      .replace(/[\s./_\\\-–—]+/g, ''),
  );
}

/**
 * A country as its ISO 3166-1 alpha-2 code, from a code (alpha-2, alpha-3, numeric) or a name in
 * any language the runtime has CLDR names for; case, accents, punctuation and spacing do not
 * matter. A placeholder (`N/A`, `-`, `unknown`, `yok`) is never a country.
 */
export function normalizeCountry(value: unknown): FieldResult<string> {
  const text = textOf(value);
  if (text === undefined) return reject('country-unknown');
  // A country column holds few distinct values: each is worked out once.
  let code = known.get(text);
  if (code === undefined) {
    code = codeOf(text) ?? null;
    if (known.size >= maxKnown) known.clear();
    known.set(text, code);
  }
  return code === null ? reject('country-unknown') : accept(code);
}

const known = new Map<string, string | null>();
const maxKnown = 10_000;

function codeOf(text: string): string | undefined {
  if (isCountryPlaceholder(text)) return undefined;
  if (/^\d+$/.test(text) && text.length !== 3) return undefined;
  const key = countryKey(text);
  return (
    countryIndex().lookUp(key) ?? (key.startsWith('the') ? countryIndex().lookUp(key.slice(3)) : undefined)
  );
}

/** True for an officially assigned ISO 3166-1 alpha-2 code, written in capitals. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countryIndex().isAssigned(code);
}
