import { safeCsv } from '../../core/safe-csv.ts';
import type { RejectedRow, RunView } from '../../messaging/protocol.ts';
import { t } from '../../ui/i18n.ts';
import { reasonText } from '../../ui/reason-text.ts';
import { ask } from '../../ui/worker.ts';

/**
 * Fetches a run's rejected rows page by page and saves those of one kind – contacts not sent, or
 * values left out – as a spreadsheet-safe CSV.
 */
export async function downloadRejectedRows(run: RunView, kind: RejectedRow['kind']): Promise<void> {
  const rows: RejectedRow[] = [];
  for (let page = 0, read = 0; ; page++) {
    const result = await ask('runs.rejected', { id: run.id, page });
    read += result.rows.length;
    rows.push(...result.rows.filter((r) => r.kind === kind));
    if (result.rows.length < result.pageSize || read >= result.total) break;
  }
  const header = [
    t('rejectedRow'),
    t('mappingEmail'),
    t('rejectedField'),
    t('rejectedValue'),
    t('rejectedReason'),
  ];
  const csv = safeCsv(
    header,
    rows.map((r) => [r.position, r.email, r.field, r.value ?? '', r.message ?? reasonText(r.reason)]),
  );
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  const what = kind === 'row' ? 'not-sent' : 'values-left-out';
  link.download = `${run.exportName.replace(/[^\p{L}\p{N} _-]+/gu, '_')}-${what}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
