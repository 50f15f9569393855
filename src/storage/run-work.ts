import { z } from 'zod';
import { parseRecord } from './records.ts';

/**
 * The work a run has queued between checkpoints: contacts waiting to be sent (runOutbox),
 * submitted batches (runBatches) and tag calls to make (runTags). Each store is keyed by run id
 * first, so a run's entries are one key range. Queued contacts and tag emails are stored many to
 * a record, because IndexedDB charges per record (core/run/ledger-index.ts).
 */

/** Every key of one run in a store keyed `[runId, …]`. */
export function runRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, []]);
}

export const outboxItemSchema = z.object({
  email: z.string(),
  /** The segment tag the row was read for. */
  tag: z.string(),
  position: z.number(),
  fingerprint: z.string(),
  /**
   * The Omnisend ContactRequest as JSON, as it goes into a batch body; the engine checks it
   * against the Omnisend schema when it reads it back. Runs stored before kept the object.
   */
  contact: z.preprocess((value) => (typeof value === 'string' ? value : JSON.stringify(value)), z.string()),
  /** The contact is proven new: its segment tag is inside `contact` (the planner, issue #16). */
  tagged: z.boolean().optional(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** One batch's worth of queued contacts: at most 100, and small enough for one request body. */
export const outboxChunkSchema = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  items: z.array(outboxItemSchema).min(1),
  /** UTF-8 size of the items' JSON, commas between them included. */
  bytes: z.number().int().nonnegative(),
});
export type OutboxChunk = z.infer<typeof outboxChunkSchema>;

export const batchItemRefSchema = z.object({
  email: z.string(),
  tag: z.string(),
  position: z.number(),
  fingerprint: z.string(),
  tagged: z.boolean().optional(),
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

/** Emails queued for one op and tag, in the order they were queued (seq across the run). */
export const tagChunkSchema = z.object({
  runId: z.string(),
  op: tagOpSchema,
  tag: z.string(),
  seq: z.number().int().nonnegative(),
  emails: z.array(z.string()).min(1),
});
export type TagChunk = z.infer<typeof tagChunkSchema>;

/**
 * What a run changed in Omnisend, kept so that it can be undone (History › Undo tags): the emails
 * of one confirmed tag call (`add`/`remove` of `tag`), or the contacts one settled batch created
 * (`create`, tag ''). The ledger's log cannot serve: it is folded into the base when the run ends.
 * Only the newest run of an export keeps them (the engine drops the others' when a run starts).
 */
export const runChangeSchema = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  op: z.enum(['add', 'remove', 'create']),
  tag: z.string(),
  emails: z.array(z.string()).min(1),
});
export type RunChange = z.infer<typeof runChangeSchema>;

export function parseRunChange(value: unknown): RunChange {
  return parseRecord(runChangeSchema, 'runChanges', keyOf(value, 'seq'), value);
}

/** Chunks of one run, op and tag. */
export function tagGroupRange(runId: string, op: string, tag: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, op, tag], [runId, op, tag, []]);
}

export function parseOutboxChunk(value: unknown): OutboxChunk {
  return parseRecord(outboxChunkSchema, 'runOutbox', keyOf(value, 'seq'), value);
}

export function parseBatchRecord(value: unknown): BatchRecord {
  return parseRecord(batchRecordSchema, 'runBatches', keyOf(value, 'seq'), value);
}

export function parseTagChunk(value: unknown): TagChunk {
  return parseRecord(tagChunkSchema, 'runTags', keyOf(value, 'seq'), value);
}

function keyOf(value: unknown, field: string): IDBValidKey {
  const record = (value ?? {}) as Record<string, unknown>;
  return [String(record.runId), String(record[field])];
}
