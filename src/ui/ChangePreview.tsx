import { useEffect, useState } from 'preact/hooks';
import { safeCsv } from '../core/safe-csv.ts';
import { MessageError } from '../messaging/message-error.ts';
import type { PreviewListName, PreviewResult, PreviewStatus, RequestOf } from '../messaging/protocol.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { formatDateTime, formatNumber } from './format.ts';
import { type MessageKey, t } from './i18n.ts';
import { reasonText } from './reason-text.ts';
import { ask } from './worker.ts';

const pollMs = 500;

type PreviewState = { state: 'running'; status: PreviewStatus | null } | { state: 'failed'; error: unknown };

/**
 * "Preview changes" (issue #16): starts a dry run of the export in the worker, polls it, and shows
 * what the next run would do – counts, lists to download, a sample of field changes. Nothing goes
 * to Omnisend. Shared by the export form and the popup.
 */
export function ChangePreview({ request, name }: { request: RequestOf<'exports.preview'>; name: string }) {
  const [state, setState] = useState<PreviewState>({ state: 'running', status: null });
  const key = JSON.stringify(request);
  useEffect(() => {
    let live = true;
    let previewId: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = (status: PreviewStatus) => {
      previewId = status.previewId;
      if (status.state === 'failed' && status.error)
        setState({ state: 'failed', error: new MessageError(status.error) });
      else setState({ state: 'running', status });
      if (status.state === 'omnisend' || status.state === 'source') timer = setTimeout(poll, pollMs);
    };
    const start = async () => {
      try {
        const status = await ask('exports.preview', request);
        if (live) show(status);
        else void ask('exports.previewCancel', { previewId: status.previewId }).catch(() => undefined);
      } catch (error) {
        if (live) setState({ state: 'failed', error });
      }
    };
    const poll = async () => {
      if (!live || previewId === null) return;
      try {
        const status = await ask('exports.previewStatus', { previewId });
        if (live) show(status);
      } catch (error) {
        if (live) setState({ state: 'failed', error });
      }
    };
    setState({ state: 'running', status: null });
    void start();
    return () => {
      live = false;
      clearTimeout(timer);
      if (previewId !== null) void ask('exports.previewCancel', { previewId }).catch(() => undefined);
    };
  }, [key]);

  if (state.state === 'failed') return <ErrorMessage error={state.error} />;
  const { status } = state;
  if (status?.state === 'done' && status.result) return <PreviewFigures result={status.result} name={name} />;
  return (
    <p role="status" class="hint">
      {status?.state === 'source'
        ? t('changePreviewReadingSource', formatNumber(status.read))
        : t('changePreviewReadingOmnisend')}
    </p>
  );
}

const rows: { list: PreviewListName; label: MessageKey }[] = [
  { list: 'created', label: 'changePreviewCreated' },
  { list: 'updated', label: 'changePreviewUpdated' },
  { list: 'unchanged', label: 'changePreviewUnchanged' },
  { list: 'tagged', label: 'changePreviewTagged' },
  { list: 'untagged', label: 'changePreviewUntagged' },
  { list: 'skipped', label: 'changePreviewSkipped' },
];

function countOf(result: PreviewResult, list: PreviewListName): number {
  const { counts } = result;
  return list === 'skipped' ? counts.rejected + counts.duplicates : counts[list];
}

function PreviewFigures({ result, name }: { result: PreviewResult; name: string }) {
  return (
    <section class="change-preview" aria-labelledby="preview-title">
      <h4 id="preview-title">{t('changePreviewTitle')}</h4>
      <p class="hint">
        {t(
          'changePreviewSnapshotAge',
          formatDateTime(result.snapshot.listedAt),
          formatNumber(result.snapshot.count),
        )}{' '}
        {t('changePreviewNothingSent')}
      </p>
      <table class="table" aria-label={t('changePreviewTitle')}>
        <tbody>
          {rows.map(({ list, label }) => (
            <tr key={list}>
              <th scope="row">{t(label)}</th>
              <td>{formatNumber(countOf(result, list))}</td>
              <td>
                {countOf(result, list) > 0 && (
                  <button type="button" onClick={() => download(result, list, name)}>
                    {t('changePreviewDownload', t(label))}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.skipped.length > 0 && (
        <ul class="compact" aria-label={t('changePreviewSkipped')}>
          {result.skipped.map(({ reason, count }) => (
            <li key={reason}>
              {reasonText(reason)}: {formatNumber(count)}
            </li>
          ))}
        </ul>
      )}
      <p>
        {t(
          'changePreviewPlan',
          formatNumber(result.plan.tagsInItems),
          formatNumber(result.plan.tagCalls),
          minutes(result.plan.plannedMs),
          minutes(result.plan.tagBoundMs),
        )}
      </p>
      {result.untagSkipped && <p class="hint">{t('changePreviewUntagSkipped')}</p>}
      {result.changes.length > 0 && (
        <table class="table" aria-label={t('changePreviewChangesTitle')}>
          <caption>{t('changePreviewChangesTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mappingEmail')}</th>
              <th scope="col">{t('changePreviewField')}</th>
              <th scope="col">{t('changePreviewOld')}</th>
              <th scope="col">{t('changePreviewNew')}</th>
            </tr>
          </thead>
          <tbody>
            {result.changes.flatMap(({ email, fields }) =>
              fields.map((change, i) => (
                <tr key={`${email}:${change.field}`}>
                  <td>{i === 0 ? email : ''}</td>
                  <td>{change.field}</td>
                  <td>{change.from ?? t('changePreviewEmpty')}</td>
                  <td>{change.to ?? t('changePreviewEmpty')}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      <p class="hint">{t('changePreviewMayRefuse')}</p>
    </section>
  );
}

/** A floor in whole minutes, at least one. */
const minutes = (ms: number) => formatNumber(Math.max(1, Math.ceil(ms / 60_000)));

/** One list as a spreadsheet-safe CSV: email and the tag or reason. */
function download(result: PreviewResult, list: PreviewListName, name: string): void {
  const detail = list === 'skipped' ? t('rejectedReason') : t('changePreviewTag');
  const withDetail = list === 'tagged' || list === 'untagged' || list === 'skipped';
  const header = withDetail ? [t('mappingEmail'), detail] : [t('mappingEmail')];
  const lines = (result.lists[list] ?? []).map((row) =>
    withDetail ? [row.email, list === 'skipped' ? reasonText(row.detail) : row.detail] : [row.email],
  );
  if (result.truncated.includes(list)) lines.push([t('changePreviewTruncated', formatNumber(lines.length))]);
  const url = URL.createObjectURL(new Blob([safeCsv(header, lines)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name.replace(/[^\p{L}\p{N} _-]+/gu, '_')}-preview-${list}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
