import { useEffect, useState } from 'preact/hooks';
import type { ConnectionView, SharedConnection } from '../../messaging/protocol.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useLiveRuns } from '../../ui/live-runs.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { ConnectionForm } from '../connections/ConnectionForm.tsx';
import { ConnectionTable } from '../connections/ConnectionTable.tsx';
import { RemoveConnectionDialog } from '../connections/RemoveConnectionDialog.tsx';

function SharedConnections({ connections }: { connections: SharedConnection[] }) {
  return (
    <>
      <p>{t('connectionContributorNote')}</p>
      {connections.length === 0 ? (
        <EmptyState title={t('emptyConnectionsTitle')} body={t('connectionContributorEmpty')} />
      ) : (
        <table class="table" aria-label={t('connectionListLabel')}>
          <thead>
            <tr>
              <th scope="col">{t('connectionColumnName')}</th>
              <th scope="col">{t('connectionColumnType')}</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.displayName}</th>
                <td data-label={t('connectionColumnType')}>{t('connectionType')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** How often Connections reads the list again while a listing of Omnisend's contacts goes on. */
const SNAPSHOT_REFRESH_MS = 2_000;

export function ConnectionsSection() {
  const { status, refresh } = useStatus();
  const role = status.state === 'ready' ? status.value.role : undefined;
  const [version, setVersion] = useState(0);
  // Follows each step of the runs: whether one is reading Omnisend's contacts is part of it.
  const live = useLiveRuns();
  // A run that finds the key rejected changes what the list says: read it again when runs end.
  const list = useAsync(() => ask('connections.list', {}), [version, role, live.revision]);
  // While Omnisend's contacts are being read (a run's or a preview's listing), the count moves on.
  const reading =
    live.runs.some((run) => run.activity === 'reading-omnisend') ||
    (list.state === 'ready' &&
      list.value.role === 'administrator' &&
      list.value.connections.some((c) => c.snapshot.reading !== null));
  useEffect(() => {
    if (!reading) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), SNAPSHOT_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [reading, list]);
  const [editing, setEditing] = useState<'new' | ConnectionView | null>(null);
  const [removing, setRemoving] = useState<ConnectionView | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const changed = () => {
    setEditing(null);
    setRemoving(null);
    setVersion((v) => v + 1);
    refresh();
  };
  const saved = (connection: ConnectionView) => {
    setFocusId(connection.id);
    changed();
  };

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  if (list.value.role === 'contributor') return <SharedConnections connections={list.value.connections} />;

  const connections = list.value.connections;
  return (
    <>
      {editing === null && (
        <button type="button" onClick={() => setEditing('new')}>
          {t('connectionAdd')}
        </button>
      )}
      {editing !== null && (
        <ConnectionForm
          key={editing === 'new' ? 'new' : editing.id}
          existing={editing === 'new' ? undefined : editing}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      )}
      {connections.length === 0 && editing === null && (
        <EmptyState title={t('emptyConnectionsTitle')} body={t('emptyConnectionsBody')} />
      )}
      {connections.length > 0 && (
        <ConnectionTable
          connections={connections}
          focusId={focusId}
          onEdit={setEditing}
          onRemove={setRemoving}
        />
      )}
      {removing && (
        <RemoveConnectionDialog
          connection={removing}
          onRemoved={changed}
          onCancel={() => setRemoving(null)}
        />
      )}
    </>
  );
}
