import { useState } from 'preact/hooks';
import type { ExportSummary } from '../../messaging/protocol.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { ask } from '../../ui/worker.ts';
import { defaultRetireChoice, RetireTagsChoice } from './RetireTagsChoice.tsx';

interface Props {
  exported: ExportSummary;
  onRemoved: () => void;
  onCancel: () => void;
}

/** Removes an export after asking whether its tags should go from the contacts it gave them to. */
export function RemoveExportDialog({ exported, onRemoved, onCancel }: Props) {
  const [choice, setChoice] = useState(defaultRetireChoice(exported.syncMode));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tags = exported.segments.map((s) => s.tag);

  async function remove() {
    setBusy(true);
    try {
      await ask('exports.remove', { id: exported.id, retireTags: choice === 'remove' });
      onRemoved();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('exportRemoveTitle', exported.name)} onClose={onCancel}>
      <p>{t('exportRemoveConfirm', exported.name)}</p>
      {tags.length > 0 && <p>{t('exportRemoveTags', tags.join(', '))}</p>}
      <RetireTagsChoice value={choice} onChange={setChoice} />
      {error !== null && <ErrorMessage error={error} />}
      <div class="row">
        <button type="button" class="danger" onClick={remove} disabled={busy}>
          {t('actionRemove')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('actionCancel')}
        </button>
      </div>
    </Dialog>
  );
}
