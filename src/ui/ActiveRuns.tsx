import type { RunView } from '../messaging/protocol.ts';
import { useLiveRuns } from './live-runs.ts';
import { RunProgress } from './RunProgress.tsx';
import { ask } from './worker.ts';

/**
 * The runs going on now (pushed, see live-runs.ts), each with its progress and Cancel. It follows
 * them itself, so that a run's step re-renders only this, not the page around it.
 */
export function ActiveRuns({ compact, title }: { compact?: boolean; title?: string }) {
  const { runs } = useLiveRuns();
  if (!runs.length) return null;
  if (title !== undefined)
    return (
      <section aria-labelledby="running-title">
        <h2 id="running-title">{title}</h2>
        <ActiveRunList runs={runs} compact={compact} />
      </section>
    );
  return <ActiveRunList runs={runs} compact={compact} />;
}

function ActiveRunList({ runs, compact }: { runs: readonly RunView[]; compact?: boolean | undefined }) {
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
