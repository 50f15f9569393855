import { z } from 'zod';
import { problemGroupSchema } from '../core/problem-tally.ts';
import { rejectedRowSchema } from '../core/run/rejected-row.ts';
import { retentionSchema } from '../core/run/retention.ts';
import { runActivitySchema } from '../core/run/run-activity.ts';
import { runCountersSchema } from '../core/run/run-counters.ts';
import { runErrorSchema, runPhaseSchema, runStatusSchema } from '../core/run/run-state.ts';
import { runTriggerSchema } from '../core/run/run-trigger.ts';
import { accepted, type MessageSpec } from './spec.ts';

export { type RejectedRow, rejectedRowSchema } from '../core/run/rejected-row.ts';

/**
 * What a run does (storage/run-records.ts `job`): an export; taking back tags the export no longer
 * uses (`retire`, with those tags); or undoing run `runId` (`undo`).
 */
export const runKindSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('export') }),
  z.object({ kind: z.literal('retire'), tags: z.array(z.string()) }),
  z.object({ kind: z.literal('undo'), runId: z.string() }),
]);

/** A run as the popup, the options page and History show it. */
export const runViewSchema = z.object({
  id: z.string(),
  exportId: z.string(),
  exportName: z.string(),
  trigger: runTriggerSchema,
  job: runKindSchema.default({ kind: 'export' }),
  status: runStatusSchema,
  phase: runPhaseSchema.nullable(),
  /** What a queued or running run is doing right now; null once it ended. */
  activity: runActivitySchema.nullable(),
  /** While it is `reading-omnisend`: the brand's contacts read so far. */
  omnisendRead: z.number().int().nonnegative().optional(),
  counts: runCountersSchema,
  /** Members to read, when the source knows it. */
  total: z.number().nullable(),
  /** 0–100 of the work, for the progress bar and the badge; null while the total is unknown. */
  percent: z.number().min(0).max(100).nullable(),
  /** Time left at the pace measured lately; null while measuring or when nothing moves. */
  etaMs: z.number().nullable(),
  /** Set once a running run has not moved for several minutes: how many. */
  stalledMinutes: z.number().int().nonnegative().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: runErrorSchema.nullable(),
  /** Why the run waits for the user, e.g. "sign in again in Sources". */
  waiting: runErrorSchema.nullable(),
  /** Drift repaired (issue #16): contacts re-created after a deletion in Omnisend, tags added again. */
  repairs: z.object({ recreated: z.number(), retagged: z.number() }).optional(),
  /** Contacts created in Omnisend by someone else while the run wrote them, tags inside (issue #16). */
  overwritten: z.object({ count: z.number(), emails: z.array(z.string()) }).optional(),
  /**
   * The run's plan (core/run/plan-floor.ts), once it put tags inside batch items: how many, the
   * tag calls it made or makes, and both plans' floors in ms at the brand's limits.
   */
  plan: z
    .object({ tagsInItems: z.number(), tagCalls: z.number(), plannedMs: z.number(), tagBoundMs: z.number() })
    .optional(),
  /** Omnisend batch ids and request ids, for support. */
  batchIds: z.array(z.string()),
  requestIds: z.array(z.string()),
});
export type RunView = z.infer<typeof runViewSchema>;

/** How many emails of created contacts Undo's confirmation lists. */
export const UNDO_CREATED_LISTED = 100;

/**
 * What History › Undo tags would do for a run, or why it is not offered: only the last run of an
 * export that ended (`not-last`, `not-ended`), an export run that recorded its changes
 * (`not-undoable`), through the connection the export still uses (`connection-changed`), and
 * only when it changed a tag (`nothing-changed`).
 */
export const undoPlanSchema = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(true),
    /** Tags the run added, to be removed; tags it removed (Mirror), to be added back. */
    added: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    /** Contacts the run created: they stay, Omnisend's API deletes none. The first few listed. */
    created: z.number().int().nonnegative(),
    createdEmails: z.array(z.string()).max(UNDO_CREATED_LISTED),
  }),
  z.object({
    available: z.literal(false),
    reason: z.enum(['not-last', 'not-ended', 'not-undoable', 'connection-changed', 'nothing-changed']),
  }),
]);
export type UndoPlan = z.infer<typeof undoPlanSchema>;

export const runMessages = {
  'exports.run': {
    request: z.object({ id: z.string(), fullResync: z.boolean().default(false) }).strict(),
    response: z.object({ runId: z.string() }),
  },
  'runs.active': {
    request: z.object({}).strict(),
    response: z.object({ runs: z.array(runViewSchema) }),
  },
  /** History, newest first, one page (from 0) of `pageSize` runs at a time. */
  'runs.list': {
    request: z
      .object({ exportId: z.string().optional(), page: z.number().int().nonnegative().default(0) })
      .strict(),
    response: z.object({ runs: z.array(runViewSchema), total: z.number(), pageSize: z.number() }),
  },
  /** How long History keeps runs (with their batch logs and rejected rows). */
  'runs.retention': {
    request: z.object({}).strict(),
    response: z.object({ retention: retentionSchema }),
  },
  'runs.setRetention': {
    request: z.object({ retention: retentionSchema }).strict(),
    response: accepted,
  },
  'runs.get': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ run: runViewSchema }),
  },
  'runs.rejected': {
    request: z.object({ id: z.string(), page: z.number().int().nonnegative() }).strict(),
    response: z.object({ rows: z.array(rejectedRowSchema), total: z.number(), pageSize: z.number() }),
  },
  /** What went wrong in a run, grouped: contacts not sent apart from values left out. */
  'runs.problems': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ groups: z.array(problemGroupSchema) }),
  },
  'runs.cancel': { request: z.object({ id: z.string() }).strict(), response: accepted },
  'runs.undoPlan': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ plan: undoPlanSchema }),
  },
  /** Starts a run that takes back the run's tag changes (History › Undo tags). */
  'runs.undo': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ runId: z.string() }),
  },
} as const satisfies Record<string, MessageSpec>;
