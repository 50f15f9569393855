import { useState } from 'preact/hooks';
import { MIN_PASSPHRASE_LENGTH, type Status } from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { TextField } from '../../ui/TextField.tsx';
import { ask } from '../../ui/worker.ts';

type Mode = 'unlock' | 'set' | 'manage';

function modeOf(status: Status): Mode {
  if (status.role === 'contributor') return 'unlock';
  return status.passphraseSet ? 'manage' : 'set';
}

/** Settings › "Administrator passphrase": set, change, remove, unlock and lock. */
export function PassphrasePanel({ status }: { status: Status }) {
  const { refresh } = useStatus();
  const mode = modeOf(status);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>, doneText: string | null) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await action();
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(doneText);
      refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function checkNew(): boolean {
    if (next.length < MIN_PASSPHRASE_LENGTH) setProblem(t('passphraseTooShort', MIN_PASSPHRASE_LENGTH));
    else if (next !== repeat) setProblem(t('passphraseMismatch'));
    else setProblem(null);
    return next.length >= MIN_PASSPHRASE_LENGTH && next === repeat;
  }

  const submitNew = (event: Event) => {
    event.preventDefault();
    if (!checkNew()) return;
    const request = mode === 'manage' ? { passphrase: next, current } : { passphrase: next };
    void run(() => ask('passphrase.set', request), t('passphraseSaved'));
  };

  return (
    <section class="panel" aria-labelledby="passphrase-title">
      <h3 id="passphrase-title">{t('passphraseTitle')}</h3>
      {mode === 'set' && <p>{t('passphraseExplainNone')}</p>}
      <p class="hint">{t('passphraseExplainLimits')}</p>
      <p class="hint">{t('passphraseExplainLock')}</p>

      {mode === 'unlock' && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => ask('role.unlock', { passphrase: current }), null);
          }}
        >
          <TextField
            type="password"
            label={t('passphraseUnlockField')}
            value={current}
            onInput={setCurrent}
          />
          <button type="submit" disabled={busy || current === ''}>
            {t('passphraseUnlock')}
          </button>
        </form>
      )}

      {mode !== 'unlock' && (
        <form class="form" onSubmit={submitNew}>
          {mode === 'manage' && (
            <TextField type="password" label={t('passphraseCurrent')} value={current} onInput={setCurrent} />
          )}
          <TextField type="password" label={t('passphraseNew')} value={next} onInput={setNext} />
          <TextField type="password" label={t('passphraseRepeat')} value={repeat} onInput={setRepeat} />
          {problem && <p role="alert">{problem}</p>}
          <div class="row">
            <button type="submit" disabled={busy}>
              {mode === 'manage' ? t('passphraseChange') : t('passphraseSet')}
            </button>
            {mode === 'manage' && (
              <>
                <button
                  type="button"
                  class="secondary"
                  disabled={busy || current === ''}
                  onClick={() => run(() => ask('passphrase.remove', { current }), t('passphraseRemoved'))}
                >
                  {t('passphraseRemove')}
                </button>
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={() => run(() => ask('role.lock', {}), null)}
                >
                  {t('passphraseLock')}
                </button>
              </>
            )}
          </div>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
