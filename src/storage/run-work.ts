import { z } from 'zod';
import { parseRecord } from './records.ts';

/**
 * The work a run has queued between checkpoints: contacts waiting for a batch (runOutbox),
 * submitted batches (runBatches) and tag calls to make (runTags). Each store is keyed by run id
 * first, so a run's entries are one key range.
 */

/** Every key of one run in a store keyed `[runId, …]`. */
export function runRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, []]);
}

export const outboxItemSchema = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  email: z.string(),
  /** The segment tag the row was read for. */
  tag: z.string(),
  position: z.number(),
  fingerprint: z.string(),
  /** The Omnisend ContactRequest; the engine validates it against the Omnisend schema. */
  contact: z.unknown(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export const batchItemRefSchema = z.object({
  email: z.string(),
  tag: z.string(),
  position: z.number(),
  fingerprint: z.string(),
});
export type BatchItemRef = z.infer<typeof batchItemRefSchema>;

export const batchRecordSchema = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  batchId: z.string(),
  state: z.enum(['submitted', 'settled']),
  submittedAt: z.number(),
  nextPollAt: z.number(),
  polls: z.number().int().nonnegative(),
  /** What was sent, until the batch settles (then emptied: the record stays as a support log). */
  items: z.array(batchItemRefSchema),
  /** How many of its contacts Omnisend refused; set when it settles. */
  failed: z.number().int().nonnegative(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

export const tagOpSchema = z.enum(['add', 'remove']);

export const tagQueueEntrySchema = z.object({
  runId: z.string(),
  op: tagOpSchema,
  tag: z.string(),
  email: z.string(),
});
export type TagQueueEntry = z.infer<typeof tagQueueEntrySchema>;

/** Entries of one run, op and tag. */
export function tagGroupRange(runId: string, op: string, tag: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, op, tag], [runId, op, tag, []]);
}

export function parseOutboxItem(value: unknown): OutboxItem {
  return parseRecord(outboxItemSchema, 'runOutbox', keyOf(value, 'seq'), value);
}

export function parseBatchRecord(value: unknown): BatchRecord {
  return parseRecord(batchRecordSchema, 'runBatches', keyOf(value, 'seq'), value);
}

export function parseTagQueueEntry(value: unknown): TagQueueEntry {
  return parseRecord(tagQueueEntrySchema, 'runTags', keyOf(value, 'email'), value);
}

function keyOf(value: unknown, field: string): IDBValidKey {
  const record = (value ?? {}) as Record<string, unknown>;
  return [String(record.runId), String(record[field])];
}
