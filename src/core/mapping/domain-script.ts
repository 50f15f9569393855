// Scripts a domain label may be written in. Han, kana and Hangul are one writing system here:
// Japanese and Korean labels mix them by nature.
const scripts: readonly [name: string, pattern: RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Bengali', /\p{Script=Bengali}/u],
  ['Tamil', /\p{Script=Tamil}/u],
  ['Ethiopic', /\p{Script=Ethiopic}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u],
];
const letter = /\p{L}/u;

/** The one script of a label's letters, or undefined when it mixes scripts (a spoof) or has none known. */
export function labelScript(label: string): string | undefined {
  let found: string | undefined;
  for (const char of label) {
    if (!letter.test(char)) continue;
    const script = scripts.find(([, pattern]) => pattern.test(char))?.[0];
    if (script === undefined || (found !== undefined && found !== script)) return undefined;
    found = script;
  }
  return found;
}
