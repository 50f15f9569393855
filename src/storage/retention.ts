import { DEFAULT_RETENTION, type Retention, retentionSchema, runsToPrune } from '../core/run/retention.ts';
import { isTerminal } from '../core/run/run-state.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';
import { exportIdsWithRuns, listRuns } from './run-records.ts';
import { runRange } from './run-work.ts';

const RETENTION_KEY = 'retention';

export async function readRetention(db: Database): Promise<Retention> {
  const value = await db.get('settings', RETENTION_KEY);
  return value === undefined
    ? DEFAULT_RETENTION
    : parseRecord(retentionSchema, 'settings', RETENTION_KEY, value);
}

export async function writeRetention(db: Database, retention: Retention): Promise<void> {
  await db.put('settings', retentionSchema.parse(retention), RETENTION_KEY);
}

/** Deletes runs with everything kept for them: queued work, batch logs, rejected rows, changes. One transaction. */
export async function deleteRuns(db: Database, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const stores = ['runs', 'runOutbox', 'runBatches', 'runTags', 'runRejected', 'runChanges'] as const;
  const tx = db.transaction([...stores], 'readwrite');
  await Promise.all(
    runIds.flatMap((id) => [
      tx.objectStore('runs').delete(id),
      ...stores.slice(1).map((store) => tx.objectStore(store).delete(runRange(id))),
    ]),
  );
  await tx.done;
}

/**
 * Prunes one export's runs to the retention setting. A run an unfinished undo is taking back
 * stays until that undo ended: the undo reads what the run changed (runChanges) as it goes.
 */
export async function pruneRuns(db: Database, exportId: string, now: number): Promise<void> {
  const retention = await readRetention(db);
  const all = await listRuns(db, exportId);
  const undoing = new Set(
    all.flatMap((run) => (run.job.kind === 'undo' && !isTerminal(run.status) ? [run.job.runId] : [])),
  );
  const runs = all.map((run) => ({
    id: run.id,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    ended: isTerminal(run.status) && !undoing.has(run.id),
  }));
  await deleteRuns(db, runsToPrune(runs, retention, now));
}

/**
 * Prunes every export's runs to the retention setting (after it changed): reads the runs of one
 * export at a time, never the whole history.
 */
export async function pruneAllRuns(db: Database, now: number): Promise<void> {
  for (const exportId of await exportIdsWithRuns(db)) await pruneRuns(db, exportId, now);
}

/** Deletes every run of an export that was removed (they ended or were canceled first). */
export async function deleteRunsOfExport(db: Database, exportId: string): Promise<void> {
  await deleteRuns(
    db,
    (await listRuns(db, exportId)).filter((run) => isTerminal(run.status)).map((run) => run.id),
  );
}

/**
 * Keeps what a run changed (runChanges) for the runs in `keep` only, among an export's: Undo is
 * offered for an export's last run, so an older run's changes are dropped once another starts.
 */
export async function dropRunChanges(db: Database, exportId: string, keep: readonly string[]): Promise<void> {
  const runIds = (await listRuns(db, exportId)).map((run) => run.id).filter((id) => !keep.includes(id));
  if (runIds.length === 0) return;
  const tx = db.transaction('runChanges', 'readwrite');
  await Promise.all([...runIds.map((id) => tx.store.delete(runRange(id))), tx.done]);
}
