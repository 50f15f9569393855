import { useState } from 'preact/hooks';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { ask } from '../../ui/worker.ts';

/** Settings › "Delete all data" (DESIGN.md §7): connections, keys, files, exports, history, ledgers. */
export function DeleteAllPanel() {
  const { refresh } = useStatus();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function deleteAll() {
    if (!confirm(t('deleteAllConfirm'))) return;
    setError(null);
    try {
      await ask('data.deleteAll', { confirm: 'delete all data' });
      setDone(true);
      refresh();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section class="panel" aria-labelledby="delete-all-title">
      <h3 id="delete-all-title">{t('deleteAllTitle')}</h3>
      <p class="hint">{t('deleteAllBody')}</p>
      <button type="button" class="danger" onClick={deleteAll}>
        {t('deleteAllButton')}
      </button>
      {error !== null && <ErrorMessage error={error} />}
      {done && <p role="status">{t('deleteAllDone')}</p>}
    </section>
  );
}
