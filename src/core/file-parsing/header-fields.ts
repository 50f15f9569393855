import { FileParseError } from './parsed-page.ts';

/**
 * Field names from a header row: trimmed; an empty name becomes `column_<n>` (spreadsheets often
 * leave a trailing empty column); a repeated name gets `_2`, `_3`, … so no column is lost.
 * A header with no name at all is not a header.
 */
export function headerFields(names: readonly string[]): string[] {
  const trimmed = names.map((name) => name.trim());
  if (trimmed.every((name) => name === '')) throw new FileParseError('header-empty');
  const taken = new Set(trimmed.filter((name) => name !== ''));
  const seen = new Set<string>();
  return trimmed.map((name, index) => {
    const base = name === '' ? `column_${index + 1}` : name;
    let unique = base;
    for (let suffix = 2; seen.has(unique) || (unique !== name && taken.has(unique)); suffix++) {
      unique = `${base}_${suffix}`;
    }
    seen.add(unique);
    return unique;
  });
}
