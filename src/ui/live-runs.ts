import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { LIVE_RUNS_KEY, type LiveRuns, noLiveRuns, readLiveRuns } from '../messaging/live-runs.ts';

/**
 * Follows the runs going on now and a revision that changes whenever a run starts, waits or ends,
 * pushed by the worker through `storage.session` (messaging/live-runs.ts); nothing here polls, so a
 * run that ends at once is seen. `show` gets each record and whether its revision moved. The page
 * counts changes itself, so that a record reset by "Delete all data" still reads as one.
 */
function followLiveRuns(show: (live: LiveRuns, changed: boolean) => void): () => void {
  let alive = true;
  let stored: number | undefined;
  const read = (value: unknown) => {
    if (!alive) return;
    const next = readLiveRuns(value);
    const changed = next.revision !== stored;
    stored = next.revision;
    show(next, changed);
  };
  const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'session' && LIVE_RUNS_KEY in changes) read(changes[LIVE_RUNS_KEY]?.newValue);
  };
  browser.storage.onChanged.addListener(onChanged);
  browser.storage.session.get(LIVE_RUNS_KEY).then(
    (stored) => read(stored[LIVE_RUNS_KEY]),
    () => undefined,
  );
  return () => {
    alive = false;
    browser.storage.onChanged.removeListener(onChanged);
  };
}

/** The runs going on now, as of their last step: the component re-renders at every step. */
export function useLiveRuns(): LiveRuns {
  const [live, setLive] = useState<LiveRuns>(noLiveRuns);
  useEffect(
    () =>
      followLiveRuns((next, changed) =>
        setLive((shown) => ({ runs: next.runs, revision: changed ? shown.revision + 1 : shown.revision })),
      ),
    [],
  );
  return live;
}

/**
 * Only the revision, for lists that read themselves again when a run starts, waits or ends: their
 * component re-renders then, not at every step of a run's progress (a run steps every second).
 */
export function useLiveRevision(): number {
  const [revision, setRevision] = useState(0);
  useEffect(
    () =>
      followLiveRuns((_, changed) => {
        if (changed) setRevision((shown) => shown + 1);
      }),
    [],
  );
  return revision;
}
