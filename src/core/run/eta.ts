import { BATCHES_PER_LISTING } from './plan-floor.ts';

/**
 * Time left for a run, from the rate limits alone (DESIGN.md §6): Omnisend's limits, not our
 * code, set the pace, so the remaining requests per budget class divided by that class's rate is
 * a fair estimate. Upserts cost a submission per batch and a listing of the brand's batches per
 * `BATCHES_PER_LISTING` of them (plan-floor.ts).
 */
export interface EtaInput {
  /** Rows in the segments, when the source can tell. */
  total: number | null;
  read: number;
  /** Contacts queued for a batch but not yet submitted. */
  queuedUpserts: number;
  /** Contacts in submitted batches not yet settled (they still need a poll). */
  unsettledUpserts: number;
  /** Contacts sent so far, and tag additions made or queued so far: the ratios for unread rows. */
  sent: number;
  tagsDoneOrQueued: number;
  /** Tag emails queued (additions and removals). */
  queuedTagEmails: number;
  ratePerMinute: { default: number; tags: number };
  batchItems: number;
  tagEmails: number;
}

/** Milliseconds left, or null when the total is unknown while reading. */
export function estimateRemainingMs(input: EtaInput): number | null {
  const unread = input.total === null ? null : Math.max(0, input.total - input.read);
  if (unread === null) return null;
  const ratio = (part: number) => (input.read > 0 ? Math.min(1, part / input.read) : 1);
  const futureSends = unread * ratio(input.sent);
  const futureTags = unread * ratio(input.tagsDoneOrQueued);
  const batches = Math.ceil((futureSends + input.queuedUpserts) / input.batchItems);
  const polls = Math.ceil(
    (batches + Math.ceil(input.unsettledUpserts / input.batchItems)) / BATCHES_PER_LISTING,
  );
  const tagCalls = Math.ceil((futureTags + input.queuedTagEmails) / input.tagEmails);
  const minutes = Math.max(
    (batches + polls) / input.ratePerMinute.default,
    tagCalls / input.ratePerMinute.tags,
  );
  return Math.round(minutes * 60_000);
}
