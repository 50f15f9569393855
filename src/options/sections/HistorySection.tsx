import { useState } from 'preact/hooks';
import type { RunView } from '../../messaging/protocol.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { runStatusLabels } from '../exports/ExportTable.tsx';
import { RunDetails, triggerLabel } from '../history/RunDetails.tsx';

export function HistorySection() {
  const [version, setVersion] = useState(0);
  const [page, setPage] = useState(0);
  const list = useAsync(() => ask('runs.list', { page }), [version, page]);
  const [open, setOpen] = useState<RunView | null>(null);

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const { runs, total, pageSize } = list.value;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (open) return <RunDetails run={open} onClose={() => setOpen(null)} />;
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
              <td>{t(triggerLabel(run.trigger))}</td>
              <td>{formatDateTime(run.startedAt ?? run.createdAt)}</td>
              <td>{run.finishedAt === null ? '—' : formatDateTime(run.finishedAt)}</td>
              <td>{t(runStatusLabels[run.status])}</td>
              <td>{run.counts.sent.toLocaleString()}</td>
              <td>{run.counts.rejected.toLocaleString()}</td>
              <td>
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
