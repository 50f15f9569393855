import { useState } from 'preact/hooks';
import type { ExportSummary } from '../../messaging/protocol.ts';
import { ActiveRuns } from '../../ui/ActiveRuns.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAction } from '../../ui/use-action.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { ExportForm } from '../exports/ExportForm.tsx';
import { ExportTable } from '../exports/ExportTable.tsx';

export function ExportsSection() {
  const { refresh } = useStatus();
  const [version, setVersion] = useState(0);
  const list = useAsync(() => ask('exports.list', {}), [version]);
  const [editing, setEditing] = useState<'new' | string | null>(null);
  const reload = () => {
    setEditing(null);
    setVersion((v) => v + 1);
    refresh();
  };

  const { error, run: act } = useAction(reload);

  const remove = (e: ExportSummary) => {
    if (confirm(t('exportRemoveConfirm', e.name))) void act(() => ask('exports.remove', { id: e.id }));
  };

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const exports = list.value.exports;
  return (
    <>
      <ActiveRuns onChange={() => setVersion((v) => v + 1)} />
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          {t('exportAdd')}
        </button>
      ) : (
        <ExportForm
          key={editing}
          exportId={editing === 'new' ? undefined : editing}
          onSaved={reload}
          onCancel={() => setEditing(null)}
        />
      )}
      {error !== null && <ErrorMessage error={error} />}
      {exports.length === 0 && editing === null && (
        <EmptyState title={t('emptyExportsTitle')} body={t('emptyExportsBody')} />
      )}
      {exports.length > 0 && (
        <ExportTable
          exports={exports}
          onEdit={(e) => setEditing(e.id)}
          onRun={(e) => act(() => ask('exports.run', { id: e.id }))}
          onFullResync={(e) => {
            if (confirm(t('exportFullResyncConfirm', e.name)))
              void act(() => ask('exports.run', { id: e.id, fullResync: true }));
          }}
          onDuplicate={(e) => act(() => ask('exports.duplicate', { id: e.id }))}
          onRemove={remove}
        />
      )}
    </>
  );
}
