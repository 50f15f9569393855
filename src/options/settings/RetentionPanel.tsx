import { useState } from 'preact/hooks';
import { type Retention, retentionSchema } from '../../core/run/retention.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { TextField } from '../../ui/TextField.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';

/** Settings › "History": how many runs, and for how long, History keeps (administrators change it). */
export function RetentionPanel({ canChange }: { canChange: boolean }) {
  const loaded = useAsync(() => ask('runs.retention', {}), []);
  if (loaded.state === 'loading') return null;
  if (loaded.state === 'failed') return <ErrorMessage error={loaded.error} />;
  return <RetentionForm initial={loaded.value.retention} canChange={canChange} />;
}

function RetentionForm({ initial, canChange }: { initial: Retention; canChange: boolean }) {
  const [maxRuns, setMaxRuns] = useState(String(initial.maxRuns));
  const [maxDays, setMaxDays] = useState(String(initial.maxDays));
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    const retention = retentionSchema.safeParse({ maxRuns: Number(maxRuns), maxDays: Number(maxDays) });
    if (!retention.success) {
      setNote(t('retentionInvalid'));
      return;
    }
    try {
      await ask('runs.setRetention', { retention: retention.data });
      setNote(t('retentionSaved'));
    } catch (e) {
      setNote(null);
      setError(e);
    }
  }

  return (
    <section class="panel" aria-labelledby="retention-title">
      <h3 id="retention-title">{t('retentionTitle')}</h3>
      <p class="hint">{t('retentionExplain')}</p>
      <form class="form" onSubmit={save}>
        <TextField label={t('retentionMaxRuns')} value={maxRuns} onInput={setMaxRuns} required verbatim />
        <TextField label={t('retentionMaxDays')} value={maxDays} onInput={setMaxDays} required verbatim />
        {canChange && <button type="submit">{t('retentionSave')}</button>}
      </form>
      {note && <p role="status">{note}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
