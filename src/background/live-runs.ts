import { LIVE_RUNS_KEY, type LiveRuns, readLiveRuns } from '../messaging/live-runs.ts';
import type { RunView } from '../messaging/protocol.ts';
import type { EngineEvent } from './engine/engine-types.ts';
import type { SessionArea } from './session-area.ts';

/** What makes a list show a run differently: its status, what it does, what it waits for. */
const shapeOf = (run: RunView) => `${run.status}|${run.activity}|${run.waiting?.code ?? ''}`;

/**
 * Publishes the engine's events into `storage.session` for the pages (messaging/live-runs.ts).
 * Writes are made one after another, each from the stored record, so no event is lost to another
 * and a restarted worker goes on from what is stored.
 */
export function createLiveRuns(session: SessionArea) {
  let queue: Promise<void> = Promise.resolve();

  function update(change: (current: LiveRuns) => LiveRuns): Promise<void> {
    queue = queue
      .then(async () => {
        const current = readLiveRuns((await session.get(LIVE_RUNS_KEY))[LIVE_RUNS_KEY]);
        await session.set({ [LIVE_RUNS_KEY]: change(current) });
      })
      // The next event writes the whole picture again.
      .catch(() => undefined);
    return queue;
  }

  return {
    publish(event: EngineEvent): Promise<void> {
      // A full disk is told by a notification; the run's own events carry its state.
      if (event.type === 'storage-full') return Promise.resolve();
      return update(({ revision, runs }) => {
        const before = runs.find((r) => r.id === event.run.id);
        const others = runs.filter((r) => r.id !== event.run.id);
        if (event.type === 'run-finished') return { revision: revision + 1, runs: others };
        const changed = before === undefined || shapeOf(before) !== shapeOf(event.run);
        return { revision: changed ? revision + 1 : revision, runs: [...others, event.run] };
      });
    },
    /** At worker start: the runs that are really unfinished, whatever a stopped worker left. */
    reset(active: RunView[]): Promise<void> {
      return update(({ revision }) => ({ revision: revision + 1, runs: active }));
    },
  };
}
