const combiningMarks = /[\u0300-\u036f]/g;

// Latin letters that Unicode does not decompose into a base letter plus marks.
const undecomposable: Record<string, string> = {
  ı: 'i',
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ħ: 'h',
  Ħ: 'H',
  ŀ: 'l',
  Ŀ: 'L',
};

const undecomposablePattern = new RegExp(`[${Object.keys(undecomposable).join('')}]`, 'g');

/**
 * Latin text reduced to ASCII letters where a reader would accept it: "Şişli Göğüs" → "Sisli Gogus".
 * Characters with no ASCII form (other scripts, symbols) are left as they are for the caller to drop.
 */
export function transliterate(text: string): string {
  return text
    .replace(undecomposablePattern, (letter) => undecomposable[letter] ?? letter)
    .normalize('NFD')
    .replace(combiningMarks, '')
    .normalize('NFC');
}
