/**
 * Blank source values are never sent, so that they cannot erase what Omnisend already has
 * (DESIGN.md §4).
 */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The value as trimmed text, or undefined for blanks and for values that have no text form. */
export function textOf(value: unknown): string | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}
