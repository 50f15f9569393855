import { useRef, useState } from 'preact/hooks';
import type { RunView } from '../messaging/protocol.ts';
import { RunProgress } from './RunProgress.tsx';
import { usePolling } from './use-polling.ts';
import { ask } from './worker.ts';

/** Polls the worker while a run is going; a second is fine-grained enough for a progress bar. */
const POLL_MS = 1_000;

/** `onChange` is told when a run starts, changes status or ends, so lists around it can refresh. */
export function ActiveRuns({ onChange }: { onChange?: () => void }) {
  const [runs, setRuns] = useState<RunView[]>([]);
  const previous = useRef('');
  usePolling(async (alive) => {
    const next = (await ask('runs.active', {})).runs;
    if (!alive()) return;
    const shape = next.map((r) => `${r.id}:${r.status}`).join();
    if (shape !== previous.current) onChange?.();
    previous.current = shape;
    setRuns(next);
  }, POLL_MS);
  if (!runs.length) return null;
  return (
    <div class="active-runs">
      {runs.map((run) => (
        <RunProgress key={run.id} run={run} onCancel={(r) => void ask('runs.cancel', { id: r.id })} />
      ))}
    </div>
  );
}
