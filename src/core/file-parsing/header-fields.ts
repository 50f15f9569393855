import { FileParseError } from './parsed-page.ts';

/** The most fields, and the longest field name, a segment file may have (the mapping's limits). */
export const MAX_FIELDS = 1_000;
export const MAX_FIELD_NAME_LENGTH = 512;

/**
 * Field names from a header row: trimmed; an empty name becomes `column_<n>` (spreadsheets often
 * leave a trailing empty column); a repeated name gets `_2`, `_3`, … so no column is lost.
 * A header with no name at all is not a header; one with more fields or longer names than a
 * mapping can use (a first line that is really data, or garbage) is refused as too long.
 */
export function headerFields(names: readonly string[]): string[] {
  const trimmed = names.map((name) => name.trim());
  if (trimmed.every((name) => name === '')) throw new FileParseError('header-empty');
  if (trimmed.length > MAX_FIELDS || trimmed.some((name) => name.length > MAX_FIELD_NAME_LENGTH))
    throw new FileParseError('header-too-long');
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
