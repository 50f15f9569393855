import type { RunView } from '../messaging/protocol.ts';
import { RunProgress } from './RunProgress.tsx';
import { ask } from './worker.ts';

/** The runs going on now (pushed, see live-runs.ts), each with its progress and Cancel. */
export function ActiveRuns({ runs, compact }: { runs: readonly RunView[]; compact?: boolean }) {
  if (!runs.length) return null;
  return (
    <div class="active-runs">
      {runs.map((run) => (
        <RunProgress
          key={run.id}
          run={run}
          compact={compact}
          onCancel={(r) => void ask('runs.cancel', { id: r.id })}
        />
      ))}
    </div>
  );
}
