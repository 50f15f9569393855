/**
 * What a wrong text encoding leaves behind: U+FFFD, the replacement for bytes that do not decode,
 * and NUL, which UTF-16 read as a one-byte encoding puts between the letters. Text holding either
 * is not what the person wrote.
 */
export function isUnreadableText(text: string): boolean {
  return text.includes('\uFFFD') || text.includes('\u0000');
}
