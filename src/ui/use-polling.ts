import { useEffect } from 'preact/hooks';

/**
 * Calls `poll` now and every `intervalMs` while the component is shown. A failing poll is left to
 * the next one: the worker may be starting, or stopped between two polls. `alive()` tells a poll
 * whose answer comes after the component went away to drop it.
 */
export function usePolling(poll: (alive: () => boolean) => Promise<void>, intervalMs: number): void {
  useEffect(() => {
    let alive = true;
    const run = () => {
      poll(() => alive).catch(() => undefined);
    };
    run();
    const timer = setInterval(run, intervalMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
}
