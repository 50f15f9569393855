import { textOf } from './blank.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { foldKey } from './fold.ts';

export type Gender = 'm' | 'f';

// Folded words (see foldKey) in the languages of the main markets. Single letters are only the
// unambiguous ones: E/K are Turkish (erkek/kadın), W is German (weiblich).
const words = new Map<string, Gender>();
for (const word of [
  'm',
  'male',
  'man',
  'men',
  'mr',
  'masculine',
  'masc',
  'boy',
  'erkek',
  'e',
  'bay',
  'mannlich',
  'maennlich',
  'mann',
  'herr',
  'masculin',
  'homme',
  'masculino',
  'hombre',
  'homem',
  'maschile',
  'maschio',
  'uomo',
  'mezczyzna',
  'muz',
  'mies',
  'mand',
  'hane',
  'mannelijk',
]) {
  words.set(word, 'm');
}
for (const word of [
  'f',
  'female',
  'woman',
  'women',
  'mrs',
  'ms',
  'miss',
  'feminine',
  'fem',
  'girl',
  'kadin',
  'k',
  'bayan',
  'weiblich',
  'w',
  'frau',
  'feminin',
  'femme',
  'femenino',
  'mujer',
  'feminino',
  'mulher',
  'femminile',
  'femmina',
  'donna',
  'kobieta',
  'zena',
  'nainen',
  'kvinde',
  'kvinna',
  'kvinne',
  'hun',
  'vrouw',
  'vrouwelijk',
]) {
  words.set(word, 'f');
}

/**
 * Omnisend knows only `m` and `f`. Anything else is left out of the contact (a note, not a row
 * rejection): the person is still exported.
 */
export function normalizeGender(value: unknown): FieldResult<Gender> {
  const text = textOf(value);
  const gender = text === undefined ? undefined : words.get(foldKey(text));
  return gender === undefined ? reject('gender-unknown') : accept(gender);
}
