/**
 * CSV files. A download meant for a spreadsheet neutralises formulas: a cell that starts with =,
 * +, -, @, tab or carriage return is read as a formula by Excel, LibreOffice and Sheets (OWASP "CSV
 * injection"), so it gets an apostrophe in front, which the spreadsheet shows as text. A file that
 * is data for another program keeps its values as they are. Every cell is quoted.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

type Cell = string | number | null | undefined;

function cell(value: Cell, neutraliseFormulas: boolean): string {
  const text = value === null || value === undefined ? '' : String(value);
  const neutral = neutraliseFormulas && FORMULA_START.test(text) ? `'${text}` : text;
  return `"${neutral.replace(/"/g, '""')}"`;
}

function csv(
  header: readonly string[],
  rows: Iterable<readonly Cell[]>,
  neutraliseFormulas: boolean,
): string {
  const lines = [header.map((h) => cell(h, neutraliseFormulas)).join(',')];
  for (const row of rows) lines.push(row.map((v) => cell(v, neutraliseFormulas)).join(','));
  // A byte order mark makes Excel read the file as UTF-8 (names in Turkish, Greek, …).
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const safeCell = (value: Cell) => cell(value, true);

/** For people: safe to open in a spreadsheet. */
export const safeCsv = (header: readonly string[], rows: Iterable<readonly Cell[]>) =>
  csv(header, rows, true);

/** For programs: values exactly as they are. */
export const dataCsv = (header: readonly string[], rows: Iterable<readonly Cell[]>) =>
  csv(header, rows, false);
