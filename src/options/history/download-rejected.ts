import { safeCsv } from '../../core/safe-csv.ts';
import type { RejectedRow, RunView } from '../../messaging/protocol.ts';
import { reasonText } from '../../ui/reason-text.ts';
import { ask } from '../../ui/worker.ts';

/** Fetches every rejected row of a run page by page and saves them as a spreadsheet-safe CSV. */
export async function downloadRejectedRows(run: RunView, header: string[]): Promise<void> {
  const rows: RejectedRow[] = [];
  for (let page = 0; ; page++) {
    const result = await ask('runs.rejected', { id: run.id, page });
    rows.push(...result.rows);
    if (result.rows.length < result.pageSize || rows.length >= result.total) break;
  }
  const csv = safeCsv(
    header,
    rows.map((r) => [r.position, r.email, r.field, r.message ?? reasonText(r.reason)]),
  );
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${run.exportName.replace(/[^\p{L}\p{N} _-]+/gu, '_')}-rejected-rows.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
