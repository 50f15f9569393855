import { useState } from 'preact/hooks';
import type { RunView, UndoPlan } from '../../messaging/protocol.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatNumber } from '../../ui/format.ts';
import { type MessageKey, t } from '../../ui/i18n.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';

const reasons: Record<Extract<UndoPlan, { available: false }>['reason'], MessageKey | null> = {
  'not-last': 'undoNotLast',
  // A run going on is simply not done yet: nothing to explain.
  'not-ended': null,
  'not-undoable': 'undoNotUndoable',
  'connection-changed': 'undoConnectionChanged',
  'nothing-changed': 'undoNothingChanged',
};

/**
 * History › a run › Undo tags: what undoing the run would do, offered for an export's last run
 * only (and saying so), confirmed in a dialog that lists the contacts the run created – they stay.
 */
export function UndoRun({ run, onUndone }: { run: RunView; onUndone: () => void }) {
  const plan = useAsync(async () => (await ask('runs.undoPlan', { id: run.id })).plan, [run.id, run.status]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (run.job.kind !== 'export') return null;
  if (plan.state === 'loading') return null;
  if (plan.state === 'failed') return <ErrorMessage error={plan.error} />;
  const value = plan.value;
  const reason = value.available ? null : reasons[value.reason];
  if (!value.available && reason === null) return null;

  async function undo() {
    setBusy(true);
    setError(null);
    try {
      await ask('runs.undo', { id: run.id });
      setConfirming(false);
      onUndone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="undo-heading">
      <h4 id="undo-heading">{t('undoHeading')}</h4>
      <p>{t('undoOnlyLast')}</p>
      {reason !== null && <p>{t(reason)}</p>}
      {value.available && (
        <>
          <p>{t('undoOffered')}</p>
          <p>
            <button type="button" onClick={() => setConfirming(true)}>
              {t('undoButton')}
            </button>
          </p>
        </>
      )}
      {error !== null && !confirming && <ErrorMessage error={error} />}
      {value.available && confirming && (
        <Dialog title={t('undoDialogTitle')} onClose={() => setConfirming(false)}>
          <ul class="compact">
            {value.added > 0 && <li>{t('undoDialogAdded', formatNumber(value.added))}</li>}
            {value.removed > 0 && <li>{t('undoDialogRemoved', formatNumber(value.removed))}</li>}
          </ul>
          <p>{t('undoDialogUntouched')}</p>
          {value.created > 0 && (
            <>
              <p>{t('undoDialogCreated', formatNumber(value.created))}</p>
              <details>
                <summary>{t('undoDialogCreatedList')}</summary>
                <ul class="compact">
                  {value.createdEmails.map((email) => (
                    <li key={email}>{email}</li>
                  ))}
                  {value.created > value.createdEmails.length && (
                    <li>
                      {t('undoDialogCreatedMore', formatNumber(value.created - value.createdEmails.length))}
                    </li>
                  )}
                </ul>
              </details>
            </>
          )}
          {error !== null && <ErrorMessage error={error} />}
          <div class="row">
            <button type="button" onClick={undo} disabled={busy}>
              {t('undoButton')}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t('actionCancel')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
