import { z } from 'zod';
import { checkResultSchema } from '../core/check/check-result.ts';
import { mappingSchema } from '../core/mapping/mapping.ts';
import { segmentRef } from './export-messages.ts';
import { accepted, errorDataSchema, type MessageSpec } from './spec.ts';

/** A whole-source check as the export form polls it. */
export const checkStatusSchema = z.object({
  checkId: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  rowsRead: z.number().int().nonnegative(),
  /** Rows in the segments when the sources tell; null when they do not. */
  rowsTotal: z.number().int().nonnegative().nullable(),
  /** Set when the check stopped at this many rows of a remote source instead of reading it all. */
  limitedTo: z.number().int().positive().nullable(),
  /** So far, while running; complete once done. */
  result: checkResultSchema,
  error: errorDataSchema.nullable(),
});
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkMessages = {
  'exports.check': {
    request: z.object({ segments: z.array(segmentRef).min(1).max(20), mapping: mappingSchema }).strict(),
    response: checkStatusSchema,
  },
  'exports.checkStatus': {
    request: z.object({ checkId: z.string() }).strict(),
    response: checkStatusSchema,
  },
  'exports.checkCancel': {
    request: z.object({ checkId: z.string() }).strict(),
    response: accepted,
  },
  /** ISO 3166-1 alpha-2 codes, for choosing an export's default country. */
  'exports.countries': {
    request: z.object({}).strict(),
    response: z.object({ codes: z.array(z.string().regex(/^[A-Z]{2}$/)) }),
  },
} as const satisfies Record<string, MessageSpec>;
