import { describe, expect, test } from 'vitest';
import { safeCell, safeCsv } from '../../../src/core/safe-csv.ts';

describe('safe CSV', () => {
  test.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1 555 0100', `"'+1 555 0100"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['plain, with comma', '"plain, with comma"'],
    ['line\nbreak', '"line\nbreak"'],
    ['Işıl "the" Ünal', '"Işıl ""the"" Ünal"'],
  ])('%j becomes %s', (input, output) => {
    expect(safeCell(input)).toBe(output);
  });

  test('numbers and blanks are cells too, and the file starts with a BOM and uses CRLF', () => {
    expect(safeCsv(['row', 'email'], [[12, null]])).toBe('\uFEFF"row","email"\r\n"12",""\r\n');
  });
});

describe('data CSV', () => {
  test('keeps values that look like formulas as they are, for programs that read them', async () => {
    const { dataCsv } = await import('../../../src/core/safe-csv.ts');
    expect(dataCsv(['phone'], [['+90 505 452 57 77']])).toBe('\uFEFF"phone"\r\n"+90 505 452 57 77"\r\n');
  });
});
