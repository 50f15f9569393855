import { useState } from 'preact/hooks';
import { errorSentence } from '../i18n/error-text.ts';
import type { ExportSummary } from '../messaging/protocol.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { formatDateTime } from '../ui/format.ts';
import { t } from '../ui/i18n.ts';
import { countsSummary } from '../ui/RunProgress.tsx';
import { isUnderway, runStatusLabels } from '../ui/run-status.ts';
import { useAsync } from '../ui/use-async.ts';
import { ask } from '../ui/worker.ts';

/** Off a segment page: every export with how its last run went, and "Run now". */
export function PopupExports({ revision }: { revision: number }) {
  const list = useAsync(() => ask('exports.list', {}), [revision]);
  const [error, setError] = useState<unknown>(null);
  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const { exports } = list.value;
  const run = (e: ExportSummary) => {
    setError(null);
    ask('exports.run', { id: e.id }).catch(setError);
  };
  return (
    <section aria-labelledby="exports-title">
      <h2 id="exports-title">{t('navExports')}</h2>
      {exports.length === 0 && <p>{t('popupNoExports')}</p>}
      {error !== null && <ErrorMessage error={error} />}
      <ul class="export-cards">
        {exports.map((e) => (
          <li key={e.id}>
            <h3>{e.name}</h3>
            <LastRun summary={e} />
            <button
              type="button"
              aria-label={t('exportRunNowNamed', e.name)}
              disabled={e.connection === null || isUnderway(e.lastRun?.status)}
              onClick={() => run(e)}
            >
              {t('exportRunNow')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function LastRun({ summary }: { summary: ExportSummary }) {
  const last = summary.lastRun;
  if (!last) return <p>{t('runStatusNotStarted')}</p>;
  return (
    <>
      <p>
        <strong>{t(runStatusLabels[last.status])}</strong>
        {last.finishedAt !== null && ` · ${formatDateTime(last.finishedAt)}`}
      </p>
      {!isUnderway(last.status) && <p>{countsSummary(last.counts)}</p>}
      {last.error && <p class="error-text">{errorSentence(t, last.error)}</p>}
    </>
  );
}
