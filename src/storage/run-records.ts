import { z } from 'zod';
import { exportDefinitionSchema } from '../core/export-definition.ts';
import { problemGroupSchema } from '../core/problem-tally.ts';
import { runCountersSchema } from '../core/run/run-counters.ts';
import { runErrorSchema, runPhaseSchema, runStatusSchema } from '../core/run/run-state.ts';
import { runTriggerSchema } from '../core/run/run-trigger.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * A run as stored in `runs` (DESIGN.md §3 "Run"): its state, counters and checkpoints. Everything
 * the engine needs to continue after the worker stopped is here or in the run-* stores.
 */
/** Keeps the engine of one worker from running a run another worker holds. */
export const runLeaseSchema = z.object({ owner: z.string().min(1), until: z.number() });
export type RunLease = z.infer<typeof runLeaseSchema>;

/** How many Omnisend batch and request ids a run keeps for support (the newest). */
export const SUPPORT_IDS_KEPT = 20;
/** Addresses History names of the contacts whose tags a run may have overwritten. */
export const OVERWRITTEN_EXAMPLES = 10;

/**
 * What a run does. An `export` reads its segments and sends them. The others only take tags back
 * (README "Taking tags back"), from what the ledger proves this extension added: `retire` removes
 * tags the export no longer uses (a segment left it, its tag was renamed, or the export was
 * removed); `undo` takes back what run `runId` changed in Omnisend's tags.
 */
export const runJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('export') }),
  z.object({ kind: z.literal('retire'), tags: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('undo'), runId: z.string().min(1) }),
]);
export type RunJob = z.infer<typeof runJobSchema>;

export const runRecordSchema = z.object({
  id: z.string().min(1),
  exportId: z.string().min(1),
  trigger: runTriggerSchema,
  job: runJobSchema.default({ kind: 'export' }),
  fullResync: z.boolean(),
  /** The export as it was when the run was started: later edits apply to the next run. */
  definition: exportDefinitionSchema,
  /** Part of every fingerprint: changing the mapping makes the next run send everything. */
  mappingVersion: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  updatedAt: z.number(),
  /** When the run's work last moved on (a row read, a contact sent, settled or tagged). */
  movedAt: z.number().nullable().default(null),
  status: runStatusSchema,
  phase: runPhaseSchema.nullable(),
  error: runErrorSchema.nullable(),
  /** Why a running run is paused until the user acts (e.g. "sign in again"); null while it works. */
  waiting: runErrorSchema.nullable().default(null),
  counters: runCountersSchema,
  /**
   * The rejected rows of runRejected grouped by kind, field and reason with a few examples, kept
   * as they are written so History can say "contacts not sent" apart from "values left out"
   * without reading every row. Runs recorded before it have none.
   */
  problems: z.array(problemGroupSchema).default([]),
  /**
   * Drift repaired (issue #16): contacts sent again because Omnisend no longer held them, and
   * tags added again that someone had taken off there. Absent when there was none.
   */
  repairs: z
    .object({ recreated: z.number().int().nonnegative(), retagged: z.number().int().nonnegative() })
    .optional(),
  /** Tags added inside batch items, of contacts the brand snapshot proved new (the planner, issue #16). */
  tagsInItems: z.number().int().nonnegative().optional(),
  /**
   * Contacts the snapshot proved new whose batch item, tag inside, found them in Omnisend: someone
   * created them there after the snapshot, and the item's tags replaced any they were given
   * (issue #16's race). How many, and the first few addresses. Absent when there was none.
   */
  overwritten: z
    .object({ count: z.number().int().positive(), emails: z.array(z.string()).max(OVERWRITTEN_EXAMPLES) })
    .optional(),
  /** Rows in the segments, when the source tells. */
  total: z.number().int().nonnegative().nullable(),
  /** Reading checkpoint: the segment being read and the source cursor of its next page. */
  read: z.object({
    segment: z.number().int().nonnegative(),
    cursor: z.string().nullable(),
    done: z.boolean(),
  }),
  /**
   * Mirror: the leaver scan's checkpoint, the next base chunk of the ledger to look at. A retire
   * run scans the ledger the same way; an undo run scans the undone run's runChanges records.
   */
  untagScan: z.object({ chunk: z.number().int().nonnegative().default(0), done: z.boolean() }),
  /**
   * Sequence numbers. runOutbox holds the chunks [outboxHead, outbox), `outboxItems` contacts in
   * all; runBatches [settled, batch) are submitted but not settled (they settle in order);
   * runRejected holds [0, rejected); `tagChunk` numbers runTags records; runChanges holds [0, changes).
   */
  seq: z.object({
    outbox: z.number().int().nonnegative(),
    outboxHead: z.number().int().nonnegative(),
    outboxItems: z.number().int().nonnegative().default(0),
    batch: z.number().int().nonnegative(),
    settled: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    tagChunk: z.number().int().nonnegative().default(0),
    changes: z.number().int().nonnegative().default(0),
  }),
  /** How many emails runTags holds per op and tag, kept with every change to it. */
  tagQueue: z.array(z.object({ op: z.enum(['add', 'remove']), tag: z.string(), count: z.number().int() })),
  lease: runLeaseSchema.nullable(),
  support: z.object({
    batchIds: z.array(z.string()),
    requestIds: z.array(z.string()),
  }),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export function parseRunRecord(key: IDBValidKey, value: unknown): RunRecord {
  return parseRecord(runRecordSchema, 'runs', key, value);
}

export async function getRun(db: Database, id: string): Promise<RunRecord | undefined> {
  const value = await db.get('runs', id);
  return value === undefined ? undefined : parseRunRecord(id, value);
}

/**
 * Runs, newest first; of one export when given, through the `byExportCreated` index, so a prune
 * or an export's History reads that export's runs only.
 */
export async function listRuns(db: Database, exportId?: string): Promise<RunRecord[]> {
  const values =
    exportId === undefined
      ? await db.getAll('runs')
      : await db.getAllFromIndex('runs', 'byExportCreated', IDBKeyRange.bound([exportId], [exportId, []]));
  return values
    .map((value) => parseRunRecord(String((value as { id?: unknown }).id), value))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

/**
 * The latest time an export's ledger may have learnt of Omnisend's contacts (snapshotShowsDeletions):
 * the last write of any of its runs but `exceptRunId` (a run's own sends are marked in the ledger as
 * its own, and no drift). Null when none ran. History's pruning keeps the newest runs, whose times
 * are the latest.
 */
export async function ledgerSeenAt(
  db: Database,
  exportId: string,
  exceptRunId?: string,
): Promise<number | null> {
  let seen: number | null = null;
  for (const run of await listRuns(db, exportId))
    if (run.id !== exceptRunId) seen = Math.max(seen ?? run.updatedAt, run.updatedAt);
  return seen;
}

/**
 * Queued and running runs, through the `byStatus` index: the UI asks every second while a run goes
 * on, so this reads those runs only, never the whole history.
 */
export async function listUnfinishedRuns(db: Database): Promise<RunRecord[]> {
  const tx = db.transaction('runs');
  const index = tx.store.index('byStatus');
  const [queued, running] = await Promise.all([index.getAll('queued'), index.getAll('running')]);
  await tx.done;
  return [...queued, ...running]
    .map((value) => parseRunRecord(String((value as { id?: unknown }).id), value))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

/**
 * The exports that have runs, through the `byExportCreated` index's keys: one step per export, past
 * all of its runs at once, so the cost is the number of exports, not of runs kept.
 */
export async function exportIdsWithRuns(db: Database): Promise<string[]> {
  const ids: string[] = [];
  const index = db.transaction('runs').store.index('byExportCreated');
  let cursor = await index.openKeyCursor();
  while (cursor) {
    const [exportId] = cursor.key;
    ids.push(exportId);
    // No run is created at Infinity: the next key is another export's first run.
    cursor = await cursor.continue([exportId, Number.POSITIVE_INFINITY]);
  }
  return ids;
}

/** The newest run of an export, through the `byExportCreated` index (one record, not the history). */
export async function latestRun(db: Database, exportId: string): Promise<RunRecord | undefined> {
  const cursor = await db
    .transaction('runs')
    .store.index('byExportCreated')
    .openCursor(IDBKeyRange.bound([exportId], [exportId, []]), 'prev');
  return cursor ? parseRunRecord(String(cursor.primaryKey), cursor.value) : undefined;
}

/** Keeps the newest `SUPPORT_IDS_KEPT` ids. */
export function rememberId(ids: readonly string[], id: string): string[] {
  return [...ids.filter((x) => x !== id), id].slice(-SUPPORT_IDS_KEPT);
}
