const combiningMarks = /[\u0300-\u036f]/g;

/**
 * A comparison key for words typed by people: case, diacritics, punctuation and spacing do not
 * count. The Turkish dotless ı and dotted İ fold to plain i, so "KADIN", "kadın" and "Kadin" meet,
 * whatever the runtime's locale.
 */
export function foldKey(text: string): string {
  return text
    .replace(/[İIı]/g, 'i')
    .normalize('NFD')
    .replace(combiningMarks, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
