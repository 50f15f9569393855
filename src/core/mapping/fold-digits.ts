const decimalDigit = /\p{Nd}/u;
const nonAscii = /[^\p{ASCII}]/u;

/**
 * Decimal digits of any script as ASCII digits: Arabic-Indic `٠٥٣٢`, Devanagari `०५`, full-width
 * `０５`, mathematical `𝟎𝟓`. Unicode encodes every decimal digit set as runs of ten consecutive
 * code points from zero to nine, so a digit's value is how far it is from the start of its run,
 * modulo ten where sets follow each other directly (the mathematical ones).
 */
export function foldDigits(text: string): string {
  if (!nonAscii.test(text)) return text;
  let folded = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80 || !decimalDigit.test(char)) {
      folded += char;
      continue;
    }
    let before = 0;
    while (decimalDigit.test(String.fromCodePoint(code - before - 1))) before++;
    folded += String(before % 10);
  }
  return folded;
}
