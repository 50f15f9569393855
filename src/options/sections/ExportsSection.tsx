import { useEffect, useState } from 'preact/hooks';
import type { ExportSummary } from '../../messaging/protocol.ts';
import { ActiveRuns } from '../../ui/ActiveRuns.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useLiveRevision } from '../../ui/live-runs.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAction } from '../../ui/use-action.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { ExportForm } from '../exports/ExportForm.tsx';
import { ExportTable } from '../exports/ExportTable.tsx';
import { RemoveExportDialog } from '../exports/RemoveExportDialog.tsx';

export function ExportsSection() {
  const { status, refresh } = useStatus();
  const revision = useLiveRevision();
  // The empty state names the step that is missing: read the counts afresh on each visit.
  useEffect(refresh, []);
  const [version, setVersion] = useState(0);
  // Read again when a run starts, waits or ends (pushed), and after our own changes.
  const list = useAsync(() => ask('exports.list', {}), [version, revision]);
  const [editing, setEditing] = useState<'new' | string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const reload = () => {
    setEditing(null);
    setVersion((v) => v + 1);
    refresh();
  };
  const saved = (id: string) => {
    setFocusId(id);
    reload();
  };

  const { error, run: act } = useAction(reload);

  const [removing, setRemoving] = useState<ExportSummary | null>(null);

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const exports = list.value.exports;
  const counts = status.state === 'ready' ? status.value.counts : null;
  return (
    <>
      <ActiveRuns />
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          {t('exportAdd')}
        </button>
      ) : (
        <ExportForm
          key={editing}
          exportId={editing === 'new' ? undefined : editing}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      )}
      {error !== null && <ErrorMessage error={error} />}
      {exports.length === 0 && editing === null && (
        <EmptyState
          title={t('emptyExportsTitle')}
          body={
            counts?.connections === 0
              ? t('emptyExportsNeedsConnection')
              : counts?.sources === 0
                ? t('emptyExportsNeedsSource')
                : t('emptyExportsBody')
          }
        />
      )}
      {exports.length > 0 && (
        <ExportTable
          exports={exports}
          focusId={focusId}
          onEdit={(e) => setEditing(e.id)}
          onRun={(e) => act(() => ask('exports.run', { id: e.id }))}
          onFullResync={(e) => {
            if (confirm(t('exportFullResyncConfirm', e.name)))
              void act(() => ask('exports.run', { id: e.id, fullResync: true }));
          }}
          onDuplicate={(e) => act(() => ask('exports.duplicate', { id: e.id }))}
          onRemove={setRemoving}
        />
      )}
      {removing && (
        <RemoveExportDialog
          exported={removing}
          onRemoved={() => {
            setRemoving(null);
            reload();
          }}
          onCancel={() => setRemoving(null)}
        />
      )}
    </>
  );
}
