import { useEffect, useState } from 'preact/hooks';
import type { RunView } from '../messaging/protocol.ts';
import { RunProgress } from './RunProgress.tsx';
import { ask } from './worker.ts';

/** Polls the worker while a run is going; a second is fine-grained enough for a progress bar. */
const POLL_MS = 1_000;

export function ActiveRuns({ onFinished }: { onFinished?: () => void }) {
  const [runs, setRuns] = useState<RunView[]>([]);
  useEffect(() => {
    let alive = true;
    let previous = 0;
    const poll = async () => {
      try {
        const next = (await ask('runs.active', {})).runs;
        if (!alive) return;
        if (next.length < previous) onFinished?.();
        previous = next.length;
        setRuns(next);
      } catch {
        // The worker may be starting; the next poll asks again.
      }
    };
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  if (!runs.length) return null;
  return (
    <div class="active-runs">
      {runs.map((run) => (
        <RunProgress key={run.id} run={run} onCancel={(r) => void ask('runs.cancel', { id: r.id })} />
      ))}
    </div>
  );
}
