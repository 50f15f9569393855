import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEncoding, type TextEncoding } from '../../../../src/core/file-parsing/text-encoding.ts';
import { repoRoot } from '../../../support/build-extension.ts';
import { chunked, parseAll } from './parse-helpers.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(resolve(repoRoot, 'test/fixtures/encodings', name)));
const expected = (name: string) => readFileSync(resolve(repoRoot, 'test/fixtures/encodings', name), 'utf8');

function rowsOf(text: string, delimiter: string) {
  const [header, ...lines] = text.split('\r\n').filter((line) => line !== '');
  const names = (header ?? '').split(delimiter);
  return lines.map((line, i) => ({
    line: i + 2,
    values: Object.fromEntries(line.split(delimiter).map((value, j) => [names[j], value])),
  }));
}

// The Turkish text is `;`-separated, the Western one `,`-separated; the UTF-16 files use tabs.
const corpus: [file: string, encoding: TextEncoding, text: string, delimiter: string][] = [
  ['utf-8.csv', 'utf-8', 'turkish.expected.txt', ';'],
  ['utf-8-bom.csv', 'utf-8', 'western.expected.txt', ','],
  ['utf-16le.txt', 'utf-16le', 'turkish.expected.txt', ';'],
  ['utf-16be.txt', 'utf-16be', 'turkish.expected.txt', ';'],
  ['utf-16le-no-bom.txt', 'utf-16le', 'turkish.expected.txt', ';'],
  ['windows-1254.csv', 'windows-1254', 'turkish.expected.txt', ';'],
  ['windows-1252.csv', 'windows-1252', 'western.expected.txt', ','],
];

describe('detectEncoding and decoding, on a corpus of files per encoding', () => {
  it.each(corpus)(
    'tells %s is %s and reads it as the text it was made from',
    async (file, encoding, text, delimiter) => {
      const bytes = fixture(file);
      expect(await detectEncoding(chunked(bytes))).toBe(encoding);
      const parsed = await parseAll(bytes, { encoding, fileName: file });
      expect(parsed.rows).toEqual(rowsOf(expected(text), delimiter));
      expect(parsed.pages.flatMap((page) => page.unreadableLines)).toEqual([]);
    },
  );

  it.each(corpus)('tells the encoding of %s whatever the chunks it arrives in', async (file, encoding) => {
    const bytes = fixture(file);
    for (let size = 1; size <= 7; size++) {
      const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => i * size).slice(1);
      expect(await detectEncoding(chunked(bytes, cuts)), `${file} in ${size}-byte chunks`).toBe(encoding);
    }
  });

  it("reads Excel's sep= line as the delimiter, not as the header", async () => {
    const bytes = fixture('sep-windows-1254.csv');
    expect(await detectEncoding(chunked(bytes))).toBe('windows-1254');
    for (const cut of [1, 3, 4, 5, 6, 7]) {
      const parsed = await parseAll(chunked(bytes, [cut]), { encoding: 'windows-1254', delimiter: ',' });
      expect(parsed.fields, `cut at ${cut}`).toEqual(['E-posta', 'Ad', 'Soyad', 'Ülke', 'Şehir']);
      expect(parsed.rows, `cut at ${cut}`).toEqual(
        rowsOf(expected('turkish.expected.txt'), ';').map((row) => ({ ...row, line: row.line + 1 })),
      );
    }
  });

  it.each([
    'sep=|\nEmail|Name\na@x.com|Ayşe\n',
    '"sep=,"\r\nEmail,Name\r\na@x.com,Ayşe\r\n',
    'SEP=\t\nEmail\tName\na@x.com\tAyşe\n',
  ])('takes the delimiter from the sep= line of %j', async (text) => {
    const parsed = await parseAll(text);
    expect(parsed.rows).toEqual([{ line: 3, values: { Email: 'a@x.com', Name: 'Ayşe' } }]);
  });

  it('reads a column named like a sep= line as an ordinary header when more follows it', async () => {
    const parsed = await parseAll('sep=x,Name\na,b\n');
    expect(parsed.fields).toEqual(['sep=x', 'Name']);
  });

  it('lists the lines whose values a wrong encoding garbled', async () => {
    const parsed = await parseAll(fixture('windows-1254.csv'), { encoding: 'utf-8' });
    expect(parsed.rows).toHaveLength(3);
    expect(parsed.pages.flatMap((page) => page.unreadableLines)).toEqual([2, 3, 4]);
    expect(parsed.fields.some((field) => field.includes('\uFFFD'))).toBe(true);
    const utf16 = await parseAll(fixture('utf-16le.txt'), { encoding: 'windows-1252' });
    expect(utf16.pages.flatMap((page) => page.unreadableLines)).not.toEqual([]);
  });

  it('calls plain ASCII UTF-8, and a text cut inside a character a code page', async () => {
    expect(await detectEncoding(chunked(new TextEncoder().encode('Email\na@x.com\n')))).toBe('utf-8');
    expect(await detectEncoding(chunked(new Uint8Array([0x41, 0x0a, 0xc5])))).toBe('windows-1252');
    expect(await detectEncoding(chunked(new Uint8Array([])))).toBe('utf-8');
  });
});
