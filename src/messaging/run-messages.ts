import { z } from 'zod';
import { problemGroupSchema } from '../core/problem-tally.ts';
import { runCountersSchema } from '../core/run/run-counters.ts';
import { runErrorSchema, runPhaseSchema, runStatusSchema } from '../core/run/run-state.ts';
import { accepted, type MessageSpec } from './spec.ts';

export const runTriggerSchema = z.enum(['manual', 'schedule', 'source-refresh']);

/** A run as the popup, the options page and History show it. */
export const runViewSchema = z.object({
  id: z.string(),
  exportId: z.string(),
  exportName: z.string(),
  trigger: runTriggerSchema,
  status: runStatusSchema,
  phase: runPhaseSchema.nullable(),
  counts: runCountersSchema,
  /** Members to read, when the source knows it. */
  total: z.number().nullable(),
  /** 0–100, for the progress bar and the badge. */
  percent: z.number().min(0).max(100),
  etaMs: z.number().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: runErrorSchema.nullable(),
  /** Why the run waits for the user, e.g. "sign in again in Sources". */
  waiting: runErrorSchema.nullable(),
  /** Omnisend batch ids and request ids, for support. */
  batchIds: z.array(z.string()),
  requestIds: z.array(z.string()),
});
export type RunView = z.infer<typeof runViewSchema>;

export const rejectedRowSchema = z.object({
  position: z.number(),
  /** `row`: the contact was not sent. `field`: it was sent without this value. */
  kind: z.enum(['row', 'field']),
  email: z.string().nullable(),
  field: z.string(),
  value: z.string().optional(),
  /** A reason code (translated by the UI), or `omnisend-rejected` with Omnisend's own words. */
  reason: z.string(),
  message: z.string().optional(),
  requestId: z.string().optional(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;

export const runMessages = {
  'exports.run': {
    from: 'page',
    request: z.object({ id: z.string(), fullResync: z.boolean().default(false) }).strict(),
    response: z.object({ runId: z.string() }),
  },
  'runs.active': {
    from: 'page',
    request: z.object({}).strict(),
    response: z.object({ runs: z.array(runViewSchema) }),
  },
  'runs.list': {
    from: 'page',
    request: z.object({ exportId: z.string().optional() }).strict(),
    response: z.object({ runs: z.array(runViewSchema) }),
  },
  'runs.get': {
    from: 'page',
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ run: runViewSchema }),
  },
  'runs.rejected': {
    from: 'page',
    request: z.object({ id: z.string(), page: z.number().int().nonnegative() }).strict(),
    response: z.object({ rows: z.array(rejectedRowSchema), total: z.number(), pageSize: z.number() }),
  },
  /** What went wrong in a run, grouped: contacts not sent apart from values left out. */
  'runs.problems': {
    from: 'page',
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ groups: z.array(problemGroupSchema) }),
  },
  'runs.cancel': { from: 'page', request: z.object({ id: z.string() }).strict(), response: accepted },
} as const satisfies Record<string, MessageSpec>;
