import { useState } from 'preact/hooks';
import type { RunView } from '../../messaging/protocol.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { useLiveRevision } from '../../ui/live-runs.ts';
import { runKindLabels } from '../../ui/run-kind.ts';
import { runStatusLabels } from '../../ui/run-status.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { RunDetails, triggerLabel } from '../history/RunDetails.tsx';

export function HistorySection() {
  const [version, setVersion] = useState(0);
  const revision = useLiveRevision();
  const [page, setPage] = useState(0);
  const list = useAsync(() => ask('runs.list', { page }), [version, page, revision]);
  const [open, setOpen] = useState<RunView | null>(null);

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const { runs, total, pageSize } = list.value;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (open)
    return (
      <RunDetails
        run={runs.find((r) => r.id === open.id) ?? open}
        onClose={() => setOpen(null)}
        onUndone={() => {
          setOpen(null);
          setVersion((v) => v + 1);
        }}
      />
    );
  if (!runs.length && page > 0) {
    setPage(pages - 1);
    return null;
  }
  if (!runs.length) return <EmptyState title={t('emptyHistoryTitle')} body={t('emptyHistoryBody')} />;
  return (
    <>
      <button type="button" class="secondary" onClick={() => setVersion((v) => v + 1)}>
        {t('historyRefresh')}
      </button>
      <table class="table" aria-label={t('navHistory')}>
        <thead>
          <tr>
            <th scope="col">{t('exportColumnName')}</th>
            <th scope="col">{t('historyKind')}</th>
            <th scope="col">{t('historyTrigger')}</th>
            <th scope="col">{t('historyStarted')}</th>
            <th scope="col">{t('historyFinished')}</th>
            <th scope="col">{t('exportColumnStatus')}</th>
            <th scope="col">{t('countSent')}</th>
            <th scope="col">{t('countRejected')}</th>
            <th scope="col">{t('connectionColumnActions')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row">{run.exportName}</th>
              <td data-label={t('historyKind')}>{t(runKindLabels[run.job.kind])}</td>
              <td data-label={t('historyTrigger')}>{t(triggerLabel(run.trigger))}</td>
              <td data-label={t('historyStarted')}>{formatDateTime(run.startedAt ?? run.createdAt)}</td>
              <td data-label={t('historyFinished')}>
                {run.finishedAt === null ? '—' : formatDateTime(run.finishedAt)}
              </td>
              <td data-label={t('exportColumnStatus')}>{t(runStatusLabels[run.status])}</td>
              <td data-label={t('countSent')}>{formatNumber(run.counts.sent)}</td>
              <td data-label={t('countRejected')}>{formatNumber(run.counts.rejected)}</td>
              <td class="actions" data-label={t('connectionColumnActions')}>
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('historyDetailsNamed', run.exportName)}
                  onClick={() => setOpen(run)}
                >
                  {t('historyDetails')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav class="pager" aria-label={t('historyPages')}>
          <button type="button" class="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
            {t('historyNewer')}
          </button>
          <span aria-live="polite">{t('historyPageOf', page + 1, pages)}</span>
          <button
            type="button"
            class="secondary"
            disabled={page + 1 >= pages}
            onClick={() => setPage(page + 1)}
          >
            {t('historyOlder')}
          </button>
        </nav>
      )}
    </>
  );
}
