import { z } from 'zod';
import { runViewSchema } from './run-messages.ts';

/**
 * The runs every screen shows as they change, pushed rather than polled: the worker writes this
 * record to `storage.session` at each step of a run (src/background/live-runs.ts) and the pages
 * follow `storage.onChanged` (src/ui/live-runs.ts), so even a run that ends within a second is seen
 * ending. Only the extension's own pages can read `storage.session`.
 */
export const LIVE_RUNS_KEY = 'live-runs';

export const liveRunsSchema = z.object({
  /**
   * Bumped whenever a run is queued, starts, waits, goes on or ends – whatever changes what the
   * lists show – so pages read their lists again then, and only then. Not bumped by progress alone.
   */
  revision: z.number().int().nonnegative(),
  /** Queued and running runs, as of their last step. */
  runs: z.array(runViewSchema),
});
export type LiveRuns = z.infer<typeof liveRunsSchema>;

export const noLiveRuns: LiveRuns = { revision: 0, runs: [] };

/** The stored record, or nothing running when it is missing or unreadable. */
export function readLiveRuns(value: unknown): LiveRuns {
  const parsed = liveRunsSchema.safeParse(value);
  return parsed.success ? parsed.data : noLiveRuns;
}
