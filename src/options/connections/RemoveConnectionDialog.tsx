import { useState } from 'preact/hooks';
import type { ConnectionView } from '../../messaging/protocol.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { ask } from '../../ui/worker.ts';

interface Props {
  connection: ConnectionView;
  onRemoved: () => void;
  onCancel: () => void;
}

export function RemoveConnectionDialog({ connection, onRemoved, onCancel }: Props) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const inUse = connection.usedBy.length > 0;

  async function remove() {
    setBusy(true);
    try {
      await ask('connections.remove', { id: connection.id, detachExports: inUse });
      onRemoved();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('connectionRemoveTitle', connection.displayName)} onClose={onCancel}>
      <p>{t('connectionRemoveBody')}</p>
      {inUse && <p>{t('connectionRemoveInUse', connection.usedBy.join(', '))}</p>}
      {error !== null && <ErrorMessage error={error} />}
      <div class="row">
        <button type="button" class="danger" onClick={remove} disabled={busy}>
          {inUse ? t('connectionDetachAndRemove') : t('actionRemove')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('actionCancel')}
        </button>
      </div>
    </Dialog>
  );
}
