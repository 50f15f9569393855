import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { LIVE_RUNS_KEY, type LiveRuns, noLiveRuns, readLiveRuns } from '../messaging/live-runs.ts';

/**
 * The runs going on now and a revision that changes whenever a run starts, waits or ends, pushed
 * by the worker through `storage.session` (messaging/live-runs.ts). Lists that show runs depend on
 * `revision` to read themselves again; nothing here polls, so a run that ends at once is seen.
 */
export function useLiveRuns(): LiveRuns {
  const [live, setLive] = useState<LiveRuns>(noLiveRuns);
  useEffect(() => {
    let alive = true;
    // The page counts changes itself, so that a record reset by "Delete all data" still reads as one.
    let stored: number | undefined;
    const show = (value: unknown) => {
      if (!alive) return;
      const next = readLiveRuns(value);
      const changed = next.revision !== stored;
      stored = next.revision;
      setLive((shown) => ({ runs: next.runs, revision: changed ? shown.revision + 1 : shown.revision }));
    };
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'session' && LIVE_RUNS_KEY in changes) show(changes[LIVE_RUNS_KEY]?.newValue);
    };
    browser.storage.onChanged.addListener(onChanged);
    browser.storage.session.get(LIVE_RUNS_KEY).then(
      (stored) => show(stored[LIVE_RUNS_KEY]),
      () => undefined,
    );
    return () => {
      alive = false;
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return live;
}
