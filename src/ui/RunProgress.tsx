import type { RunActivity } from '../core/run/run-activity.ts';
import { errorSentence } from '../i18n/error-text.ts';
import type { RunView } from '../messaging/protocol.ts';
import { formatNumber } from './format.ts';
import { type MessageKey, t } from './i18n.ts';
import { runKindLabels } from './run-kind.ts';

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

export function RunCounts({ run }: { run: Pick<RunView, 'counts'> }) {
  return (
    <dl class="counts">
      {counterLabels.map(([name, label]) => (
        <div key={name}>
          <dt>{t(label)}</dt>
          <dd data-count={name}>{formatNumber(run.counts[name])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The counts that matter at a glance: sent, skipped (unchanged or repeated), failed. */
export function countsSummary(counts: RunView['counts']): string {
  return t(
    'countsSummary',
    formatNumber(counts.sent),
    formatNumber(counts.unchanged + counts.duplicates),
    formatNumber(counts.rejected),
  );
}

export const activityLabels: Record<RunActivity, MessageKey> = {
  queued: 'activityQueued',
  'reading-omnisend': 'activityReadingOmnisend',
  reading: 'activityReading',
  sending: 'activitySending',
  'waiting-for-omnisend': 'activityWaitingForOmnisend',
  tagging: 'activityTagging',
  'waiting-for-rate-limit': 'activityWaitingForRateLimit',
  'waiting-for-sign-in': 'activityWaitingForSignIn',
  'waiting-for-access': 'activityWaitingForAccess',
  'waiting-for-administrator': 'activityWaitingForAdministrator',
  'waiting-for-connection': 'activityWaitingForConnection',
  finishing: 'activityFinishing',
};

/** What the run is doing, in words; the brand snapshot's listing says how far it got. */
export function activityText(run: Pick<RunView, 'activity' | 'omnisendRead'>): string {
  if (run.activity === null) return '';
  if (run.activity === 'reading-omnisend' && run.omnisendRead !== undefined && run.omnisendRead > 0)
    return t('activityReadingOmnisendSoFar', formatNumber(run.omnisendRead));
  return t(activityLabels[run.activity]);
}

function timeLeft(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? t('etaUnderMinute') : t('etaMinutes', minutes);
}

interface Props {
  run: RunView;
  onCancel?: (run: RunView) => void;
  /** The popup's narrow form: the counts that matter instead of all of them. */
  compact?: boolean;
}

/**
 * One running export: what it is doing in words, a progress bar of the work done, the time left
 * at the pace measured lately (none while nothing moves), and a word when it has not moved for
 * minutes.
 */
export function RunProgress({ run, onCancel, compact }: Props) {
  const label = t('runProgressOf', run.exportName);
  return (
    <section class="run-progress" aria-label={label}>
      <h3>
        {run.exportName}
        {/* A run that takes tags back says so, wherever runs are shown. */}
        {run.job.kind !== 'export' && ` · ${t(runKindLabels[run.job.kind])}`}
      </h3>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={run.percent ?? undefined}
        aria-valuetext={run.activity === null ? undefined : activityText(run)}
        class="bar"
      >
        <div class="bar__fill" style={{ transform: `scaleX(${(run.percent ?? 0) / 100})` }} />
      </div>
      <p class="run-progress__line">
        <span role="status" data-activity={run.activity ?? ''}>
          {activityText(run)}
        </span>
        {run.percent !== null && ` · ${t('runPercent', run.percent)}`}
        {run.etaMs !== null && ` · ${timeLeft(run.etaMs)}`}
      </p>
      {run.waiting && (
        <p role="status" class="run-waiting">
          {t('runWaiting', errorSentence(t, run.waiting))}
        </p>
      )}
      {run.stalledMinutes !== null && (
        <p role="status" class="run-waiting">
          {t('runStalled', run.stalledMinutes)}
        </p>
      )}
      {compact ? <p>{countsSummary(run.counts)}</p> : <RunCounts run={run} />}
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
