import type { RunView } from '../messaging/protocol.ts';
import { type MessageKey, t } from './i18n.ts';

const counterLabels: [keyof RunView['counts'], MessageKey][] = [
  ['read', 'countRead'],
  ['sent', 'countSent'],
  ['created', 'countCreated'],
  ['updated', 'countUpdated'],
  ['unchanged', 'countUnchanged'],
  ['tagged', 'countTagged'],
  ['untagged', 'countUntagged'],
  ['rejected', 'countRejected'],
  ['duplicates', 'countDuplicates'],
];

export function RunCounts({ run }: { run: RunView }) {
  return (
    <dl class="counts">
      {counterLabels.map(([name, label]) => (
        <div key={name}>
          <dt>{t(label)}</dt>
          <dd data-count={name}>{run.counts[name].toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  );
}

function eta(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? t('etaUnderMinute') : t('etaMinutes', minutes);
}

/** One running export: a progress bar with value and maximum, the counts and the time left. */
export function RunProgress({ run, onCancel }: { run: RunView; onCancel?: (run: RunView) => void }) {
  const percent = Math.round(run.percent);
  return (
    <section class="run-progress" aria-label={t('runProgressOf', run.exportName)}>
      <h3>{run.exportName}</h3>
      <div
        role="progressbar"
        aria-label={t('runProgressOf', run.exportName)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={t('runPercent', percent)}
        class="bar"
      >
        <div class="bar__fill" style={{ transform: `scaleX(${percent / 100})` }} />
      </div>
      <p aria-live="polite">
        {t('runPercent', percent)}
        {run.etaMs !== null && ` · ${eta(run.etaMs)}`}
      </p>
      {run.waiting && (
        <p role="status" class="run-waiting">
          {t('runWaiting', run.waiting.message)}
        </p>
      )}
      <RunCounts run={run} />
      {onCancel && (
        <button
          type="button"
          class="secondary"
          onClick={() => onCancel(run)}
          aria-label={t('runCancelNamed', run.exportName)}
        >
          {t('runCancel')}
        </button>
      )}
    </section>
  );
}
