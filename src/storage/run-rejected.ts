import { z } from 'zod';
import { rejectedRowSchema } from '../core/run/rejected-row.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/** Rejected rows of a run as stored: kept per run, in order, and read back a page at a time. */
export const rejectedRowRecordSchema = rejectedRowSchema.extend({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  /** The HTTP status Omnisend gave a contact it refused in a batch. */
  responseCode: z.number().int().optional(),
});
export type RejectedRowRecord = z.infer<typeof rejectedRowRecordSchema>;

export const REJECTED_PAGE_SIZE = 100;

export interface RejectedPage {
  rows: RejectedRowRecord[];
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
    parseRecord(rejectedRowRecordSchema, 'runRejected', [runId, (v as { seq?: number }).seq ?? -1], v),
  );
  return { rows, page: Math.max(0, Math.floor(page)), pageSize: REJECTED_PAGE_SIZE, total };
}
