import { type ByteSource, byteChunks } from './text-chunks.ts';

/**
 * The encodings a segment file may be read in: what spreadsheets and CRMs write, all built into
 * TextDecoder (WHATWG Encoding Standard). UTF-16 is Excel's "Unicode text"; the Windows code pages
 * are Excel's "CSV" in Türkiye (1254), Western Europe and the Americas (1252), Central Europe
 * (1250), Cyrillic (1251), Greece (1253) and the Baltics (1257).
 */
export const textEncodings = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1254',
  'windows-1252',
  'windows-1250',
  'windows-1251',
  'windows-1253',
  'windows-1257',
  'macintosh',
  'shift_jis',
  'gb18030',
  'big5',
  'euc-kr',
] as const;
export type TextEncoding = (typeof textEncodings)[number];

/**
 * The six bytes where Windows-1254 and Windows-1252 differ: Ğ İ Ş ğ ı ş in Turkish, Ð Ý Þ ð ý þ in
 * Western European (letters of Icelandic and Faroese only). Every other byte reads alike in both.
 */
const turkishOnly = new Set([0xd0, 0xdd, 0xde, 0xf0, 0xfd, 0xfe]);
// Enough of the start to tell UTF-16 without a byte order mark by its zero bytes.
const utf16Sample = 4096;

/**
 * The encoding a file is most likely in:
 * 1. a byte order mark says it (UTF-8, UTF-16 LE or BE);
 * 2. text whose every other byte is zero is UTF-16 without one;
 * 3. text that decodes as strict UTF-8 (`fatal`) to its end is UTF-8 – plain ASCII included;
 * 4. otherwise it was written in a one-byte code page: Windows-1254 when a Turkish-only letter
 *    appears, else Windows-1252. (Decided: an Icelandic 1252 file is read as Turkish; the Sources
 *    page shows the encoding and lets the user choose another.)
 * Reads the file once, stopping as soon as the answer is known.
 */
export async function detectEncoding(source: ByteSource): Promise<TextEncoding> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let sawTurkishByte = false;
  let head: Uint8Array | undefined = new Uint8Array(0);
  for await (const chunk of byteChunks(source)) {
    let bytes = chunk;
    if (head !== undefined) {
      head = concat(head, chunk);
      if (head.length < utf16Sample) continue;
      const marked = byteOrderMark(head) ?? utf16WithoutMark(head);
      if (marked !== undefined) return marked;
      bytes = head;
      head = undefined;
    }
    sawTurkishByte ||= containsTurkishByte(bytes);
    if (validUtf8) {
      try {
        utf8.decode(bytes, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
    if (!validUtf8 && sawTurkishByte) return 'windows-1254';
  }
  if (head !== undefined) {
    // The whole file is shorter than the sample.
    const marked = byteOrderMark(head) ?? utf16WithoutMark(head);
    if (marked !== undefined) return marked;
    sawTurkishByte = containsTurkishByte(head);
    try {
      utf8.decode(head, { stream: true });
    } catch {
      validUtf8 = false;
    }
  }
  if (validUtf8) {
    try {
      utf8.decode();
      return 'utf-8';
    } catch {
      // A multi-byte character cut off by the end of the file.
    }
  }
  return sawTurkishByte ? 'windows-1254' : 'windows-1252';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function byteOrderMark(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Latin text in UTF-16 has a zero in every other byte: after each letter (LE) or before it (BE). */
function utf16WithoutMark(bytes: Uint8Array): TextEncoding | undefined {
  const length = Math.min(bytes.length, utf16Sample) & ~1;
  if (length < 8) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function containsTurkishByte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0xd0 && turkishOnly.has(byte)) return true;
  }
  return false;
}
