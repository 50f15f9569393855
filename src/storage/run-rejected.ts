import { z } from 'zod';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * Rejected rows of a run (DESIGN.md §3): the row's position in its source, the email as read,
 * the field and why. Kept per run and read back a page at a time.
 */
export const rejectedRowSchema = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  position: z.number(),
  /** `row`: the contact was not sent. `field`: it was sent without this field's value. */
  kind: z.enum(['row', 'field']),
  /** The email as read from the source (normalised when it was valid), or null when blank. */
  email: z.string().nullable(),
  /** The source field the reason is about. */
  field: z.string(),
  /** The value as read, shortened, when it was not blank. */
  value: z.string().optional(),
  /** A reason code: the mapping's (e.g. `email-invalid`) or `omnisend-rejected`. */
  reason: z.string(),
  /** What Omnisend said, for rows it refused. */
  message: z.string().optional(),
  responseCode: z.number().int().optional(),
  requestId: z.string().optional(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;

export const REJECTED_PAGE_SIZE = 100;

export interface RejectedPage {
  rows: RejectedRow[];
  page: number;
  pageSize: number;
  /** All rejected rows of the run. */
  total: number;
}

/** Page `page` (from 0) of a run's rejected rows, in the order they were found. */
export async function readRejectedPage(db: Database, runId: string, page: number): Promise<RejectedPage> {
  const first = Math.max(0, Math.floor(page)) * REJECTED_PAGE_SIZE;
  const tx = db.transaction('runRejected');
  const [values, total] = await Promise.all([
    tx.store.getAll(IDBKeyRange.bound([runId, first], [runId, first + REJECTED_PAGE_SIZE - 1])),
    tx.store.count(IDBKeyRange.bound([runId], [runId, []])),
  ]);
  await tx.done;
  const rows = values.map((v) =>
    parseRecord(rejectedRowSchema, 'runRejected', [runId, (v as { seq?: number }).seq ?? -1], v),
  );
  return { rows, page: Math.max(0, Math.floor(page)), pageSize: REJECTED_PAGE_SIZE, total };
}
