/**
 * CSV that is safe to open in a spreadsheet: a cell that starts with =, +, -, @, tab or carriage
 * return is read as a formula by Excel, LibreOffice and Sheets (OWASP "CSV injection"), so it is
 * prefixed with an apostrophe, which the spreadsheet shows as text. Every cell is quoted.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const neutral = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${neutral.replace(/"/g, '""')}"`;
}

export function safeCsv(
  header: readonly string[],
  rows: Iterable<readonly (string | number | null | undefined)[]>,
): string {
  const lines = [header.map(safeCell).join(',')];
  for (const row of rows) lines.push(row.map(safeCell).join(','));
  // A byte order mark makes Excel read the file as UTF-8 (names in Turkish, Greek, …).
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
