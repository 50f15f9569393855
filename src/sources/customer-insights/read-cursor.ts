import type { z } from 'zod';
import { CustomerInsightsError } from './errors.ts';

/**
 * A read's position as the opaque text `SegmentSource.readMembers` hands out: JSON, checked with
 * the source's own schema when it comes back, so a stored cursor of another shape (or another
 * route) is an explicit error rather than a read from the wrong place.
 */
export function encodeCursor(cursor: object): string {
  return JSON.stringify(cursor);
}

export function decodeCursor<T>(schema: z.ZodType<T>, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new CustomerInsightsError(
      'customer-insights.invalid-cursor',
      'The saved reading position of this segment is not readable – run the export again from the start.',
    );
  }
  return parsed.data;
}
