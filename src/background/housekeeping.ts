import { isTerminal } from '../core/run/run-state.ts';
import { listExports } from '../storage/exports.ts';
import { sweepAbandonedUploads } from '../storage/file-sources.ts';
import type { Database } from '../storage/open-database.ts';
import { deleteRuns, pruneRuns } from '../storage/retention.ts';
import { listRuns } from '../storage/run-records.ts';

/**
 * At every worker start: History kept to its retention setting, runs of exports that no longer
 * exist deleted (with their batch logs and rejected rows), and uploads abandoned by a closed tab
 * swept away.
 */
export async function sweepStorage(db: Database, now: number): Promise<void> {
  const exportIds = new Set((await listExports(db)).map((definition) => definition.id));
  const orphans = (await listRuns(db)).filter(
    (run) => !exportIds.has(run.exportId) && isTerminal(run.status),
  );
  await deleteRuns(
    db,
    orphans.map((run) => run.id),
  );
  for (const exportId of exportIds) await pruneRuns(db, exportId, now);
  await sweepAbandonedUploads(db, now);
}
