import { z } from 'zod';
import type { ErrorCode } from '../error-code.ts';
import type { RunPhase, RunStatus } from './run-state.ts';

/**
 * What a run is doing right now, in the words the screens use ("Sending contacts", "Waiting for
 * Omnisend to process batches"…). The stored phase says how far a run got; the activity says what
 * holds it at this moment, so a run that waits says what for instead of looking busy.
 */
export const runActivities = [
  'queued',
  'reading-omnisend',
  'reading',
  'sending',
  'waiting-for-omnisend',
  'tagging',
  'waiting-for-rate-limit',
  'waiting-for-sign-in',
  'waiting-for-access',
  'waiting-for-administrator',
  'waiting-for-connection',
  'finishing',
] as const;
export const runActivitySchema = z.enum(runActivities);
export type RunActivity = z.infer<typeof runActivitySchema>;

/** A wait for a rate-limit slot shorter than this is the normal pace, not worth a word. */
export const RATE_LIMIT_WAIT_SHOWN_MS = 2_000;

export interface ActivityInput {
  status: RunStatus;
  phase: RunPhase | null;
  /** What the run waits for the user to do (a sign-in, a new Omnisend key, letting the extension reach an organisation), if it waits. */
  waiting: ErrorCode | null;
  readDone: boolean;
  /** The run waits for the brand snapshot's listing of Omnisend's contacts (issue #16). */
  listingOmnisend: boolean;
  /** Contacts read and queued for a batch, not yet submitted. */
  queuedUpserts: number;
  /** Batches Omnisend accepted and has not finished processing. */
  unsettledBatches: number;
  /** Tag additions and removals queued. */
  queuedTagEmails: number;
  /** How long the next request of each Omnisend rate-limit class waits for a slot (0: none waits). */
  rateLimitWaitMs: { default: number; tags: number };
}

/**
 * The one activity to show, most telling first: a wait for the user, then whatever holds the
 * upsert lane (the rate limit, reading, sending), then the tag lane (the tag rate limit, tagging),
 * then Omnisend's own processing of submitted batches.
 */
export function activityOf(input: ActivityInput): RunActivity | null {
  if (input.status !== 'queued' && input.status !== 'running') return null;
  // A run held for the user says what for, even before it starts (a locked key holds it queued).
  if (input.waiting === 'customer-insights.org-access-required') return 'waiting-for-access';
  if (input.waiting === 'vault-locked') return 'waiting-for-administrator';
  if (input.waiting === 'omnisend.invalid-api-key' || input.waiting === 'omnisend.missing-permission')
    return 'waiting-for-connection';
  if (input.waiting !== null) return 'waiting-for-sign-in';
  if (input.status === 'queued') return 'queued';
  if (input.listingOmnisend) return 'reading-omnisend';
  const held = (ms: number) => ms >= RATE_LIMIT_WAIT_SHOWN_MS;
  if (held(input.rateLimitWaitMs.default) && (input.queuedUpserts > 0 || input.unsettledBatches > 0))
    return 'waiting-for-rate-limit';
  if (!input.readDone) return 'reading';
  if (input.queuedUpserts > 0) return 'sending';
  if (held(input.rateLimitWaitMs.tags) && input.queuedTagEmails > 0) return 'waiting-for-rate-limit';
  if (input.queuedTagEmails > 0) return 'tagging';
  if (input.unsettledBatches > 0) return 'waiting-for-omnisend';
  if (input.phase === 'tag' || input.phase === 'untag') return 'tagging';
  return 'finishing';
}
