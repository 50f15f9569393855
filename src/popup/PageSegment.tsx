import { useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type {
  CustomerInsightsPageSegment,
  ExportSummary,
  PageCluesReport,
  RunStatusName,
} from '../messaging/protocol.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { formatDateTime } from '../ui/format.ts';
import { type MessageKey, t } from '../ui/i18n.ts';
import { useAsync } from '../ui/use-async.ts';
import { usePolling } from '../ui/use-polling.ts';
import { ask } from '../ui/worker.ts';
import { useTabPage } from './use-tab-page.ts';

/** How often the covering exports' last runs are read again (IndexedDB only, no network). */
const EXPORTS_POLL_MS = 1_500;

const runStatusLabels: Record<RunStatusName, MessageKey> = {
  queued: 'runStatusQueued',
  running: 'runStatusRunning',
  succeeded: 'runStatusSucceeded',
  failed: 'runStatusFailed',
  canceled: 'runStatusCanceled',
};

/** Options › Sources, with the environment pre-filled when the page named one. */
function openSources(environmentId?: string) {
  const query = environmentId ? `?environment=${encodeURIComponent(environmentId)}` : '';
  void browser.tabs.create({ url: browser.runtime.getURL(`options.html${query}#sources`) });
}

/** What the popup says about the tab's page: the segment it shows, and how to export it. */
export function PageSegment() {
  const tab = useTabPage();
  if (tab.state === 'loading') return null;
  if (!tab.page) return <p>{t('popupNoSegment')}</p>;
  return <DetectedSegment key={tab.key} page={tab.page} />;
}

function DetectedSegment({ page }: { page: PageCluesReport }) {
  const [version, setVersion] = useState(0);
  const found = useAsync(() => ask('customer-insights.page.segment', { page }), [version]);
  if (found.state === 'loading') return <p>{t('popupLookingUp')}</p>;
  if (found.state === 'failed') return <ErrorMessage error={found.error} />;
  return <SegmentState found={found.value} onChanged={() => setVersion((v) => v + 1)} />;
}

function SegmentState({ found, onChanged }: { found: CustomerInsightsPageSegment; onChanged: () => void }) {
  switch (found.state) {
    case 'no-environment':
      return (
        <>
          <p>{t('popupEnvironmentMissing', found.environmentId)}</p>
          <button type="button" onClick={() => openSources(found.environmentId)}>
            {t('popupOpenSources')}
          </button>
        </>
      );
    case 'sign-in-required':
      return (
        <>
          <p>{t('popupSignInRequired')}</p>
          <button type="button" onClick={() => openSources()}>
            {t('popupOpenSources')}
          </button>
        </>
      );
    case 'access-required':
      return (
        <>
          <p>{t('popupAccessRequired', found.orgUrl ? new URL(found.orgUrl).host : '')}</p>
          <button type="button" onClick={() => openSources()}>
            {t('popupOpenSources')}
          </button>
        </>
      );
    case 'not-found':
      return <p>{t('popupSegmentNotFound')}</p>;
    case 'segment':
      return <SegmentExport found={found} onChanged={onChanged} />;
  }
}

function useExports(): ExportSummary[] {
  const [exports, setExports] = useState<ExportSummary[]>([]);
  usePolling(async (alive) => {
    const next = (await ask('exports.list', {})).exports;
    if (alive()) setExports(next);
  }, EXPORTS_POLL_MS);
  return exports;
}

function SegmentExport({
  found,
  onChanged,
}: {
  found: Extract<CustomerInsightsPageSegment, { state: 'segment' }>;
  onChanged: () => void;
}) {
  const { segment } = found;
  const all = useExports();
  const covering = found.exportIds.flatMap((id) => all.filter((e) => e.id === id));
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = covering.some((e) => e.lastRun?.status === 'running' || e.lastRun?.status === 'queued');

  async function exportNow() {
    setBusy(true);
    setError(null);
    setStarted(false);
    try {
      const first = found.exportIds[0];
      const id =
        first ??
        (await ask('customer-insights.exports.create', { sourceId: found.sourceId, segmentId: segment.id }))
          .id;
      await ask('exports.run', { id });
      setStarted(true);
      if (!first) onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="page-segment">
      <h2>{segment.displayName}</h2>
      <dl class="facts">
        <dt>{t('popupMembers')}</dt>
        <dd>
          {segment.memberCount !== null
            ? segment.memberCount.toLocaleString()
            : segment.membersAtLeast !== null
              ? t('popupMoreThan', segment.membersAtLeast.toLocaleString())
              : t('popupUnknown')}
        </dd>
        <dt>{t('popupLastRefreshed')}</dt>
        <dd>
          {segment.lastRefreshedAt !== null
            ? formatDateTime(segment.lastRefreshedAt)
            : found.route === 'dataverse'
              ? t('popupRefreshNotPublished')
              : t('popupUnknown')}
        </dd>
      </dl>
      {found.exportIds.length === 0 ? (
        <p>{t('popupNotCovered')}</p>
      ) : (
        <ul class="compact" aria-label={t('popupCoveringExports')}>
          {covering.map((e) => (
            <li key={e.id}>
              <strong>{e.name}</strong> ·{' '}
              {e.lastRun ? t(runStatusLabels[e.lastRun.status]) : t('runStatusNotStarted')}
              {e.lastRun?.finishedAt ? ` · ${formatDateTime(e.lastRun.finishedAt)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <button type="button" disabled={busy || running} onClick={() => void exportNow()}>
        {t('popupExportNow')}
      </button>
      {started && <p role="status">{t('popupExportStarted')}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}
