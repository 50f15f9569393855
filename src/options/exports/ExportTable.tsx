import type { ExportSummary, RunStatusName } from '../../messaging/protocol.ts';
import { formatDateTime } from '../../ui/format.ts';
import { type MessageKey, t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';
import { scheduleText } from './schedule-text.ts';

export const runStatusLabels: Record<RunStatusName, MessageKey> = {
  queued: 'runStatusQueued',
  running: 'runStatusRunning',
  succeeded: 'runStatusSucceeded',
  failed: 'runStatusFailed',
  canceled: 'runStatusCanceled',
};

interface Props {
  exports: ExportSummary[];
  onEdit: (e: ExportSummary) => void;
  onRun: (e: ExportSummary) => void;
  /** Runs it sending every contact again, changed or not (DESIGN.md §4). */
  onFullResync: (e: ExportSummary) => void;
  onDuplicate: (e: ExportSummary) => void;
  onRemove: (e: ExportSummary) => void;
}

export function ExportTable({ exports, onEdit, onRun, onFullResync, onDuplicate, onRemove }: Props) {
  return (
    <table class="table" aria-label={t('exportListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('exportColumnName')}</th>
          <th scope="col">{t('exportConnection')}</th>
          <th scope="col">{t('exportSegments')}</th>
          <th scope="col">{t('exportColumnStatus')}</th>
          <th scope="col">{t('exportSchedule')}</th>
          <th scope="col">{t('exportColumnLastRun')}</th>
          <th scope="col">{t('exportColumnNextRun')}</th>
          <th scope="col">{t('connectionColumnActions')}</th>
        </tr>
      </thead>
      <tbody>
        {exports.map((e) => (
          <tr key={e.id}>
            <th scope="row">{e.name}</th>
            <td>{e.connection?.displayName ?? t('exportNoConnection')}</td>
            <td>{e.segments.map((s) => s.displayName).join(', ')}</td>
            <td>{e.lastRun ? t(runStatusLabels[e.lastRun.status]) : t('runStatusNotStarted')}</td>
            <td>{scheduleText(e.schedule)}</td>
            <td>{e.lastRun?.finishedAt ? formatDateTime(e.lastRun.finishedAt) : '—'}</td>
            <td>{e.nextRunAt ? formatDateTime(e.nextRunAt) : '—'}</td>
            <td class="actions">
              <RowButton
                text={t('actionEdit')}
                label={t('actionEditNamed', e.name)}
                onClick={() => onEdit(e)}
              />
              <RowButton
                text={t('exportRunNow')}
                label={t('exportRunNowNamed', e.name)}
                onClick={() => onRun(e)}
                primary
                disabled={
                  e.connection === null || e.lastRun?.status === 'running' || e.lastRun?.status === 'queued'
                }
              />
              <RowButton
                text={t('exportFullResync')}
                label={t('exportFullResyncNamed', e.name)}
                onClick={() => onFullResync(e)}
                disabled={
                  e.connection === null || e.lastRun?.status === 'running' || e.lastRun?.status === 'queued'
                }
              />
              <RowButton
                text={t('exportDuplicate')}
                label={t('exportDuplicateNamed', e.name)}
                onClick={() => onDuplicate(e)}
              />
              <RowButton
                text={t('actionRemove')}
                label={t('actionRemoveNamed', e.name)}
                onClick={() => onRemove(e)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
