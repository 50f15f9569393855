import { useState } from 'preact/hooks';
import type { RunView } from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RunCounts } from '../../ui/RunProgress.tsx';
import { reasonText } from '../../ui/reason-text.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { runStatusLabels } from '../exports/ExportTable.tsx';
import { downloadRejectedRows } from './download-rejected.ts';

export function RunDetails({ run, onClose }: { run: RunView; onClose: () => void }) {
  const rejected = useAsync(() => ask('runs.rejected', { id: run.id, page: 0 }), [run.id]);
  const [error, setError] = useState<unknown>(null);
  const header = [t('rejectedRow'), t('mappingEmail'), t('rejectedField'), t('rejectedReason')];

  return (
    <section class="panel run-details" aria-labelledby="run-details-title">
      <h3 id="run-details-title">{t('runDetailsTitle', run.exportName)}</h3>
      <p>
        {t(runStatusLabels[run.status])} · {t(triggerLabel(run.trigger))} ·{' '}
        {formatDateTime(run.startedAt ?? run.createdAt)}
        {run.finishedAt !== null && ` – ${formatDateTime(run.finishedAt)}`}
      </p>
      {run.error && (
        <div role="alert" class="error-message">
          <p>{run.error.message}</p>
          {run.error.requestId && <p class="error-message__id">{t('errorRequestId', run.error.requestId)}</p>}
        </div>
      )}
      <RunCounts run={run} />
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
      <h4>{t('rejectedTitle')}</h4>
      {rejected.state === 'ready' && rejected.value.total === 0 && <p>{t('rejectedNone')}</p>}
      {rejected.state === 'ready' && rejected.value.total > 0 && (
        <>
          <button type="button" onClick={() => downloadRejectedRows(run, header).catch(setError)}>
            {t('rejectedDownload')}
          </button>
          <p class="hint">{t('rejectedShowing', rejected.value.rows.length, rejected.value.total)}</p>
          <table class="table" aria-label={t('rejectedTitle')}>
            <thead>
              <tr>
                {header.map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rejected.value.rows.map((r) => (
                <tr key={`${r.position}-${r.field}`}>
                  <td>{r.position}</td>
                  <td>{r.email ?? ''}</td>
                  <td>{r.field}</td>
                  <td>{r.message ?? reasonText(r.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <button type="button" class="secondary" onClick={onClose}>
        {t('actionClose')}
      </button>
    </section>
  );
}

export function triggerLabel(trigger: RunView['trigger']) {
  return trigger === 'manual'
    ? 'triggerManual'
    : trigger === 'schedule'
      ? 'triggerSchedule'
      : 'triggerSourceRefresh';
}
