import type { ExportSummary } from '../../messaging/protocol.ts';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';
import { countsSummary } from '../../ui/RunProgress.tsx';
import { isUnderway, runStatusLabels } from '../../ui/run-status.ts';
import { useFocusRow } from '../../ui/use-focus-row.ts';
import { scheduleText } from './schedule-text.ts';

interface Props {
  exports: ExportSummary[];
  /** The export just saved: focus moves to its row. */
  focusId?: string | null;
  onEdit: (e: ExportSummary) => void;
  onRun: (e: ExportSummary) => void;
  /** Runs it sending every contact again, changed or not (DESIGN.md §4). */
  onFullResync: (e: ExportSummary) => void;
  onDuplicate: (e: ExportSummary) => void;
  onRemove: (e: ExportSummary) => void;
}

export function ExportTable({ exports, focusId, onEdit, onRun, onFullResync, onDuplicate, onRemove }: Props) {
  const rowRef = useFocusRow(
    focusId,
    exports.map((e) => e.id),
  );
  const columns = {
    connection: t('exportConnection'),
    segments: t('exportSegments'),
    status: t('exportColumnStatus'),
    schedule: t('exportSchedule'),
    lastRun: t('exportColumnLastRun'),
    nextRun: t('exportColumnNextRun'),
    actions: t('connectionColumnActions'),
  };
  return (
    <table class="table" aria-label={t('exportListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('exportColumnName')}</th>
          {Object.values(columns).map((label) => (
            <th scope="col" key={label}>
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {exports.map((e) => {
          const busy = e.connection === null || isUnderway(e.lastRun?.status);
          return (
            <tr key={e.id}>
              <th scope="row" tabIndex={-1} ref={e.id === focusId ? rowRef : undefined}>
                {e.name}
              </th>
              <td data-label={columns.connection}>{e.connection?.displayName ?? t('exportNoConnection')}</td>
              <td data-label={columns.segments}>{e.segments.map((s) => s.displayName).join(', ')}</td>
              <td data-label={columns.status}>
                {e.lastRun ? t(runStatusLabels[e.lastRun.status]) : t('runStatusNotStarted')}
              </td>
              <td data-label={columns.schedule}>{scheduleText(e.schedule)}</td>
              <td data-label={columns.lastRun}>
                {e.lastRun?.finishedAt ? (
                  <>
                    {formatDateTime(e.lastRun.finishedAt)}
                    <br />
                    <span class="hint">{countsSummary(e.lastRun.counts)}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={columns.nextRun}>{e.nextRunAt ? formatDateTime(e.nextRunAt) : '—'}</td>
              <td class="actions" data-label={columns.actions}>
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
                  disabled={busy}
                />
                <RowButton
                  text={t('exportFullResync')}
                  label={t('exportFullResyncNamed', e.name)}
                  onClick={() => onFullResync(e)}
                  disabled={busy}
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
          );
        })}
      </tbody>
    </table>
  );
}
