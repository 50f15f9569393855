import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectFormat } from '../../../../src/core/file-parsing/detect-format.ts';
import { FileParseError } from '../../../../src/core/file-parsing/parsed-page.ts';

describe('detectFormat', () => {
  it.each([
    ['members.csv', 'Email,Name', 'csv'],
    ['members.CSV', '{"looks":"like json"}', 'json-lines'],
    ['members.tsv', 'Email\tName', 'tsv'],
    ['members.tab', 'Email,Name', 'tsv'],
    ['members.jsonl', 'Email,Name', 'json-lines'],
    ['members.ndjson', '', 'json-lines'],
    ['members.json', '{"Email":"a@x.com"}', 'json-lines'],
    ['members.txt', '  \n{"Email":"a@x.com"}', 'json-lines'],
    [undefined, 'Email;Name', 'csv'],
    [undefined, '', 'csv'],
  ] as const)('reads %s starting %j as %s', (name, text, format) => {
    expect(detectFormat(name, text)).toBe(format);
  });

  it('refuses a JSON array, which cannot be streamed', () => {
    expect(() => detectFormat('members.json', '[{"Email":"a@x.com"}]')).toThrow(FileParseError);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['Email,First,Last', ','],
    ['Email;First;Last', ';'],
    ['Email\tFirst\tLast', '\t'],
    ['Email|First|Last', '|'],
    ['"Last, First";Email;City', ';'],
    ['Email', ','],
    ['a,b;c', ','],
    ['a;b,c;d', ';'],
  ])('finds the delimiter of %j', (line, delimiter) => {
    expect(detectDelimiter(line)).toBe(delimiter);
  });
});
