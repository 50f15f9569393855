import { useState } from 'preact/hooks';
import type { ProblemGroup } from '../../core/problem-tally.ts';
import type { RejectedRow, RunView } from '../../messaging/protocol.ts';
import { ErrorMessage, RunErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { ProblemGroups } from '../../ui/ProblemGroups.tsx';
import { RunCounts } from '../../ui/RunProgress.tsx';
import { runKindLabels } from '../../ui/run-kind.ts';
import { runStatusLabels } from '../../ui/run-status.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { downloadRejectedRows } from './download-rejected.ts';
import { UndoRun } from './UndoRun.tsx';

interface Props {
  run: RunView;
  onClose: () => void;
  /** After an undo of this run was started. */
  onUndone: () => void;
}

export function RunDetails({ run, onClose, onUndone }: Props) {
  const problems = useAsync(async () => {
    const [{ groups }, { total }] = await Promise.all([
      ask('runs.problems', { id: run.id }),
      ask('runs.rejected', { id: run.id, page: 0 }),
    ]);
    // Every rejected row not counted as a contact not sent is a value left out.
    return { groups, leftOut: Math.max(0, total - run.counts.rejected) };
  }, [run.id]);
  const [error, setError] = useState<unknown>(null);
  const download = (kind: RejectedRow['kind']) => downloadRejectedRows(run, kind).catch(setError);

  return (
    <section class="panel run-details" aria-labelledby="run-details-title">
      <h3 id="run-details-title">{t('runDetailsTitle', run.exportName)}</h3>
      <p>
        {[
          t(runStatusLabels[run.status]),
          t(runKindLabels[run.job.kind]),
          t(triggerLabel(run.trigger)),
          formatDateTime(run.startedAt ?? run.createdAt),
        ].join(' · ')}
        {run.finishedAt !== null && ` – ${formatDateTime(run.finishedAt)}`}
      </p>
      {run.job.kind === 'retire' && <p>{t('runKindRetireDetail', run.job.tags.join(', '))}</p>}
      {run.job.kind === 'undo' && <UndoneRun runId={run.job.runId} />}
      {run.error && <RunErrorMessage error={run.error} />}
      <RunCounts run={run} />
      {run.plan && (
        <p>
          {t(
            'historyPlan',
            formatNumber(run.plan.tagsInItems),
            formatNumber(run.plan.tagCalls),
            formatNumber(Math.max(1, Math.ceil(run.plan.plannedMs / 60_000))),
            formatNumber(Math.max(1, Math.ceil(run.plan.tagBoundMs / 60_000))),
          )}
        </p>
      )}
      {run.repairs && (
        <p>
          {t('historyDriftRepaired', formatNumber(run.repairs.recreated), formatNumber(run.repairs.retagged))}
        </p>
      )}
      {run.overwritten && (
        <p>
          {t('historyOverwritten', formatNumber(run.overwritten.count), run.overwritten.emails.join(', '))}
        </p>
      )}
      {run.requestIds.length > 0 && (
        <details>
          <summary>{t('runSupportIds')}</summary>
          <ul class="compact">
            {[
              ...run.batchIds.map((id) => t('runBatchId', id)),
              ...run.requestIds.map((id) => t('errorRequestId', id)),
            ].map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      )}
      {problems.state === 'failed' && <ErrorMessage error={problems.error} />}
      {problems.state === 'ready' && (
        <>
          <ProblemSection
            title={t('checkNotSent')}
            none={t('historyNotSentNone')}
            groups={problems.value.groups.filter((g) => g.kind === 'row')}
            // Rows skipped as repeats are counted, not listed: only the others can be downloaded.
            listed={run.counts.rejected}
            downloadText={t('historyDownloadNotSent')}
            onDownload={() => download('row')}
          />
          <ProblemSection
            title={t('checkLeftOut')}
            none={t('historyLeftOutNone')}
            groups={problems.value.groups.filter((g) => g.kind === 'field')}
            listed={problems.value.leftOut}
            downloadText={t('historyDownloadLeftOut')}
            onDownload={() => download('field')}
          />
        </>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <UndoRun run={run} onUndone={onUndone} />
      <button type="button" class="secondary" onClick={onClose}>
        {t('actionClose')}
      </button>
    </section>
  );
}

interface SectionProps {
  title: string;
  none: string;
  groups: ProblemGroup[];
  /** Rows of this kind kept one by one, which the download holds. */
  listed: number;
  downloadText: string;
  onDownload: () => void;
}

function ProblemSection({ title, none, groups, listed, downloadText, onDownload }: SectionProps) {
  // Runs recorded before problems were grouped have rows to download but no groups.
  const total = Math.max(
    listed,
    groups.reduce((n, g) => n + g.count, 0),
  );
  return (
    <>
      <h4>
        {title} <span class="count">{total.toLocaleString()}</span>
      </h4>
      {total === 0 && listed === 0 && <p>{none}</p>}
      <ProblemGroups label={title} groups={groups} />
      {listed > 0 && (
        <p>
          <button type="button" onClick={onDownload}>
            {downloadText}
          </button>
        </p>
      )}
    </>
  );
}

/** Which run an undo took back, by when it ran (History may have pruned it since). */
function UndoneRun({ runId }: { runId: string }) {
  const undone = useAsync(async () => (await ask('runs.get', { id: runId })).run, [runId]);
  if (undone.state !== 'ready') return null;
  return <p>{t('runKindUndoDetail', formatDateTime(undone.value.startedAt ?? undone.value.createdAt))}</p>;
}

export function triggerLabel(trigger: RunView['trigger']) {
  return trigger === 'manual'
    ? 'triggerManual'
    : trigger === 'schedule'
      ? 'triggerSchedule'
      : 'triggerSourceRefresh';
}
