import { z } from 'zod';

/**
 * The run state machine (DESIGN.md §5). A run is persisted after every transition, so the worker
 * may stop between any two of them and the next wake-up continues from the stored state.
 *
 *                       start
 *      ┌────────┐ ───────────────▶ ┌─────────────────────────────────────────────┐
 *      │ queued │                  │ running                                     │
 *      └────────┘                  │  read ─▶ upsert ─▶ tag ─▶ untag ─▶ finish   │
 *        │    │                    │  (advance: forward only; phases may be      │
 *        │    │                    │   skipped, e.g. add-only skips untag)       │
 *        │    │                    └─────────────────────────────────────────────┘
 *        │    │ fail                  │ succeed (phase finish) │ fail  │ cancel
 *        │    └───────────────────────┼────────────────────────▼───────┼───────
 *        │ cancel                     ▼                      ┌────────┐ │
 *        │                      ┌───────────┐                │ failed │ │
 *        │                      │ succeeded │                └────────┘ │
 *        │                      └───────────┘                           ▼
 *        └────────────────────────────────────────────────────────▶ ┌──────────┐
 *                                                                   │ canceled │
 *                                                                   └──────────┘
 *
 * Phases, while running (map and diff happen per source page inside `read`, so that a segment is
 * streamed and never held in memory):
 * - read:   pages are read from the source, mapped, diffed against the ledger and queued for
 *           upsert; batches are submitted and finished ones tagged while reading goes on.
 * - upsert: the source is read to its end; submitted batches are still being settled.
 * - tag:    every batch has settled; the last tag additions are being sent.
 * - untag:  (mirror only) members who left lose the segment tag this extension added.
 * - finish: nothing is left to send.
 * succeeded, failed and canceled are terminal: no event leaves them.
 */

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runPhases = ['read', 'upsert', 'tag', 'untag', 'finish'] as const;
export const runPhaseSchema = z.enum(runPhases);
export type RunPhase = z.infer<typeof runPhaseSchema>;

/** Why a run failed, for History and support. Never holds a secret. */
export const runErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  /** Omnisend's request id (`instance`), to quote to Omnisend support. */
  requestId: z.string().optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

export const runStateSchema = z.object({
  status: runStatusSchema,
  /** Null until the run starts. */
  phase: runPhaseSchema.nullable(),
  /** Why the run failed; for a canceled run, why it was canceled when it was not the user (else null). */
  error: runErrorSchema.nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;

export type RunEvent =
  | { type: 'start' }
  | { type: 'advance'; to: RunPhase }
  | { type: 'succeed' }
  | { type: 'fail'; error: RunError }
  /** `reason`: the run was canceled for the user, e.g. because its connection was removed. */
  | { type: 'cancel'; reason?: RunError };

export type TransitionResult = { ok: true; state: RunState } | { ok: false; reason: string };

export const initialRunState: RunState = { status: 'queued', phase: null, error: null };

export function isTerminal(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}

/** The state after `event`, or why the event is refused in `state`. */
export function transition(state: RunState, event: RunEvent): TransitionResult {
  const refuse = (reason: string): TransitionResult => ({ ok: false, reason });
  if (isTerminal(state.status)) return refuse(`a ${state.status} run cannot ${event.type}`);
  switch (event.type) {
    case 'start':
      return state.status === 'queued'
        ? { ok: true, state: { status: 'running', phase: 'read', error: null } }
        : refuse('only a queued run can start');
    case 'advance': {
      if (state.status !== 'running' || state.phase === null) return refuse('only a running run advances');
      const from = runPhases.indexOf(state.phase);
      const to = runPhases.indexOf(event.to);
      return to > from
        ? { ok: true, state: { ...state, phase: event.to } }
        : refuse(`phase ${state.phase} cannot go to ${event.to}`);
    }
    case 'succeed':
      return state.status === 'running' && state.phase === 'finish'
        ? { ok: true, state: { status: 'succeeded', phase: 'finish', error: null } }
        : refuse('a run succeeds only from its finish phase');
    case 'fail':
      return { ok: true, state: { status: 'failed', phase: state.phase, error: event.error } };
    case 'cancel':
      return { ok: true, state: { status: 'canceled', phase: state.phase, error: event.reason ?? null } };
  }
}
