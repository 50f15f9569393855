import { z } from 'zod';

/**
 * What a run did, per contact row. `sent` counts contacts submitted in batches; `created` and
 * `updated` what Omnisend reported for them once their batch finished (a batch sent again after
 * the worker stopped turns its "created" into "updated"); `unchanged` contacts were not sent
 * because the ledger holds the same fingerprint; `duplicates` are later rows with an email already
 * seen in the same segment (the first row wins); `rejected` rows are listed with their reason.
 */
export const runCounterNames = [
  'read',
  'sent',
  'created',
  'updated',
  'unchanged',
  'duplicates',
  'tagged',
  'untagged',
  'rejected',
] as const;
export type RunCounterName = (typeof runCounterNames)[number];

const counter = z.number().int().nonnegative();
export const runCountersSchema = z.object({
  read: counter,
  sent: counter,
  created: counter,
  updated: counter,
  unchanged: counter,
  duplicates: counter,
  tagged: counter,
  untagged: counter,
  rejected: counter,
});
export type RunCounters = z.infer<typeof runCountersSchema>;

export function emptyCounters(): RunCounters {
  return {
    read: 0,
    sent: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    tagged: 0,
    untagged: 0,
    rejected: 0,
  };
}

export function addCounts(counters: RunCounters, delta: Partial<RunCounters>): RunCounters {
  const sum = { ...counters };
  for (const name of runCounterNames) sum[name] += delta[name] ?? 0;
  return sum;
}
