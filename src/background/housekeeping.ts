import { listExports } from '../storage/exports.ts';
import { sweepAbandonedUploads } from '../storage/file-sources.ts';
import type { Database } from '../storage/open-database.ts';
import { deleteRunsOfExport, pruneRuns } from '../storage/retention.ts';
import { exportIdsWithRuns } from '../storage/run-records.ts';

/**
 * At every worker start: History kept to its retention setting, runs of exports that no longer
 * exist deleted (with their batch logs and rejected rows), and uploads abandoned by a closed tab
 * swept away.
 */
export async function sweepStorage(db: Database, now: number): Promise<void> {
  const exportIds = new Set((await listExports(db)).map((definition) => definition.id));
  for (const exportId of await exportIdsWithRuns(db)) {
    if (exportIds.has(exportId)) await pruneRuns(db, exportId, now);
    else await deleteRunsOfExport(db, exportId);
  }
  await sweepAbandonedUploads(db, now);
}
