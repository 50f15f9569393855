import { z } from 'zod';

/**
 * How long History keeps runs (with their batch logs and rejected rows, which hold emails): the
 * newest `maxRuns` runs of each export, none older than `maxDays`. A run that has not ended is
 * never pruned.
 */
export const retentionSchema = z
  .object({
    maxRuns: z.number().int().min(1).max(1_000),
    maxDays: z.number().int().min(1).max(3_650),
  })
  .strict();
export type Retention = z.infer<typeof retentionSchema>;

export const DEFAULT_RETENTION: Retention = { maxRuns: 50, maxDays: 90 };

const DAY = 86_400_000;

export interface RetainedRun {
  id: string;
  createdAt: number;
  finishedAt: number | null;
  ended: boolean;
}

/** The runs of one export to delete now, given the runs in any order. */
export function runsToPrune(runs: readonly RetainedRun[], retention: Retention, now: number): string[] {
  const oldest = now - retention.maxDays * DAY;
  const newestFirst = [...runs].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  return newestFirst
    .filter(
      (run, index) => run.ended && (index >= retention.maxRuns || (run.finishedAt ?? run.createdAt) < oldest),
    )
    .map((run) => run.id);
}
