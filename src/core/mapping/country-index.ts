import { iso31661 } from 'iso-3166/1.js';
import { countryAliases } from './country-aliases.ts';

/** Every country ISO 3166-1 assigns: alpha-2, alpha-3, numeric code and ISO's English name. */
export const isoCountries: readonly { alpha2: string; alpha3: string; numeric: string; name: string }[] =
  iso31661;

const assigned = new Set(isoCountries.map((c) => c.alpha2));
const latinMarks = /[\u0300-\u036f]/g;

/**
 * A comparison key for a country name as people type it: case, Latin accents, punctuation and
 * spacing do not count, `&` is "and" and "St." is "Saint". The marks of other scripts stay: without
 * them Assamese টগো (Togo) and টংগা (Tonga) would be one word.
 */
export function countryKey(name: string): string {
  return name
    .replace(/&/g, ' and ')
    .replace(/\bst\.?(?=\s)/gi, 'saint ')
    .replace(/[İIı]/g, 'i')
    .normalize('NFD')
    .replace(latinMarks, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '');
}

/**
 * Keys to codes, where a key claimed by two countries in one tier is nobody's (ambiguous): a name
 * must never pick a country by the order the runtime listed its languages.
 */
class Tier {
  private readonly codes = new Map<string, string | null>();

  add(name: string, code: string): void {
    const key = countryKey(name);
    if (key === '') return;
    const known = this.codes.get(key);
    if (known === undefined) this.codes.set(key, code);
    else if (known !== code) this.codes.set(key, null);
  }

  get(key: string): string | null | undefined {
    return this.codes.get(key);
  }
}

/**
 * ISO's own names and what people make of them: "Iran, Islamic Republic of" is also typed
 * "Islamic Republic of Iran", and "Virgin Islands (British)" "British Virgin Islands".
 */
function isoNameForms(name: string): string[] {
  const comma = /^(.+?),\s*(.+)$/.exec(name);
  if (comma) return [name, `${comma[2]} ${comma[1]}`, comma[1] ?? name];
  const bracket = /^(.+?)\s*\((.+)\)$/.exec(name);
  if (bracket) return [name, `${bracket[2]} ${bracket[1]}`, bracket[1] ?? name];
  return [name];
}

function displayNames(locale: string, style: 'long' | 'short' | 'narrow'): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames(locale, { type: 'region', style, fallback: 'none' });
  } catch {
    return undefined;
  }
}

function addCldrNames(tier: Tier, locale: string, styles: readonly ('long' | 'short' | 'narrow')[]): void {
  for (const style of styles) {
    const names = displayNames(locale, style);
    if (names === undefined) continue;
    for (const code of assigned) {
      const name = names.of(code);
      if (name !== undefined && name !== code) tier.add(name, code);
    }
  }
}

/**
 * Every language the runtime has region names for. No API lists them, so every two-letter
 * ISO 639-1 shape and the three-letter languages CLDR covers widely are asked about.
 */
function runtimeLanguages(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const candidates = ['fil', 'haw', 'yue', 'ckb', 'kok', 'ast', 'dsb', 'hsb', 'ceb', 'gsw', 'kab', 'sah'];
  for (const a of letters) for (const b of letters) candidates.push(a + b);
  return Intl.DisplayNames.supportedLocalesOf(candidates);
}

/**
 * Country names in three tiers, each consulted only when the ones before it do not know a key:
 * 1. codes (alpha-2, alpha-3, numeric) and the alias table: what people type that CLDR lacks;
 * 2. ISO's names, CLDR's English and Turkish names (the product's languages);
 * 3. CLDR's names in every other language the runtime has — about 160 in Node and Chromium,
 *    built only when a name is not found before, so a file of English or Turkish names never
 *    pays for it.
 * Built once per worker, when the first country is read.
 */
export class CountryIndex {
  private readonly tiers: Tier[] = [];
  private everyLanguage: Tier | undefined;

  constructor() {
    const codes = new Tier();
    for (const country of isoCountries) {
      codes.add(country.alpha2, country.alpha2);
      codes.add(country.alpha3, country.alpha2);
      codes.add(country.numeric, country.alpha2);
    }
    for (const [code, names] of Object.entries(countryAliases)) {
      for (const name of names) codes.add(name, code);
    }
    const main = new Tier();
    for (const country of isoCountries) {
      for (const form of isoNameForms(country.name)) main.add(form, country.alpha2);
    }
    addCldrNames(main, 'en', ['long', 'short', 'narrow']);
    addCldrNames(main, 'tr', ['long', 'short', 'narrow']);
    this.tiers.push(codes, main);
  }

  /** The alpha-2 code for a key, or undefined when no tier knows it or the key is ambiguous. */
  lookUp(key: string): string | undefined {
    for (const tier of this.tiers) {
      const code = tier.get(key);
      if (code !== undefined) return code ?? undefined;
    }
    if (this.everyLanguage === undefined) {
      this.everyLanguage = new Tier();
      for (const language of runtimeLanguages()) addCldrNames(this.everyLanguage, language, ['long']);
    }
    return this.everyLanguage.get(key) ?? undefined;
  }

  isAssigned(code: string): boolean {
    return assigned.has(code);
  }
}
