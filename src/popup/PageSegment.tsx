import { useState } from 'preact/hooks';
import type { CustomerInsightsPageSegment, ExportSummary, PageCluesReport } from '../messaging/protocol.ts';
import { ChangePreview } from '../ui/ChangePreview.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { formatDateTime, formatNumber } from '../ui/format.ts';
import { t } from '../ui/i18n.ts';
import { isUnderway, runStatusLabels } from '../ui/run-status.ts';
import { useAsync } from '../ui/use-async.ts';
import { ask } from '../ui/worker.ts';
import { openOptionsAt } from './open-options.ts';

type FoundSegment = Extract<CustomerInsightsPageSegment, { state: 'segment' }>;

/** What the popup says about the segment page its tab shows, and how to export that segment. */
export function DetectedSegment({ page, revision }: { page: PageCluesReport; revision: number }) {
  const [version, setVersion] = useState(0);
  const found = useAsync(() => ask('customer-insights.page.segment', { page }), [version]);
  if (found.state === 'loading') return <p>{t('popupLookingUp')}</p>;
  if (found.state === 'failed') return <ErrorMessage error={found.error} />;
  return <SegmentState found={found.value} revision={revision} onChanged={() => setVersion((v) => v + 1)} />;
}

interface StateProps {
  found: CustomerInsightsPageSegment;
  revision: number;
  onChanged: () => void;
}

function SegmentState({ found, revision, onChanged }: StateProps) {
  switch (found.state) {
    case 'no-environment':
      return (
        <section class="page-segment">
          <p>{t('popupEnvironmentMissing', found.environmentId)}</p>
          <button type="button" onClick={() => openOptionsAt('sources', found.environmentId)}>
            {t('popupOpenSources')}
          </button>
        </section>
      );
    case 'sign-in-required':
      return (
        <section class="page-segment">
          <p>{t('popupSignInRequired')}</p>
          <button type="button" onClick={() => openOptionsAt('sources')}>
            {t('popupOpenSources')}
          </button>
        </section>
      );
    case 'access-required':
      return (
        <section class="page-segment">
          <p>{t('popupAccessRequired', found.orgUrl ? new URL(found.orgUrl).host : '')}</p>
          <button type="button" onClick={() => openOptionsAt('sources')}>
            {t('popupOpenSources')}
          </button>
        </section>
      );
    case 'not-found':
      return <p>{t('popupSegmentNotFound')}</p>;
    case 'segment':
      return <SegmentExport found={found} revision={revision} onChanged={onChanged} />;
  }
}

function SegmentExport({ found, revision, onChanged }: { found: FoundSegment } & Omit<StateProps, 'found'>) {
  const { segment } = found;
  const all = useAsync(() => ask('exports.list', {}), [revision]);
  const covering =
    all.state === 'ready'
      ? found.exportIds.flatMap((id) => all.value.exports.filter((e) => e.id === id))
      : [];
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = covering.some((e) => isUnderway(e.lastRun?.status));
  // "Preview changes" of the export "Export now" would run.
  const previewed = covering.find((e) => e.id === found.exportIds[0]);
  const [previewRound, setPreviewRound] = useState(0);

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
    <section class="page-segment" aria-labelledby="segment-title">
      <h2 id="segment-title">{segment.displayName}</h2>
      <dl class="facts">
        <dt>{t('popupMembers')}</dt>
        <dd>
          {segment.memberCount !== null
            ? formatNumber(segment.memberCount)
            : segment.membersAtLeast !== null
              ? t('popupMoreThan', formatNumber(segment.membersAtLeast))
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
              <strong>{e.name}</strong> · <LastRunStatus summary={e} />
            </li>
          ))}
        </ul>
      )}
      <div class="row">
        <button type="button" disabled={busy || running} onClick={() => void exportNow()}>
          {t('popupExportNow')}
        </button>
        {previewed && (
          <button type="button" onClick={() => setPreviewRound((round) => round + 1)}>
            {t('changePreviewButton')}
          </button>
        )}
      </div>
      {started && <p role="status">{t('popupExportStarted')}</p>}
      {previewed && previewRound > 0 && (
        <ChangePreview key={previewRound} request={{ id: previewed.id }} name={previewed.name} />
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}

function LastRunStatus({ summary }: { summary: ExportSummary }) {
  const last = summary.lastRun;
  if (!last) return <>{t('runStatusNotStarted')}</>;
  return (
    <>
      {t(runStatusLabels[last.status])}
      {last.finishedAt !== null && ` · ${formatDateTime(last.finishedAt)}`}
    </>
  );
}
