import type { IDBPTransaction, StoreNames } from 'idb';
import type { Database } from '../../storage/open-database.ts';
import { parseRunRecord, type RunRecord } from '../../storage/run-records.ts';
import type { ExportDb } from '../../storage/schema.ts';

export type EngineStore = StoreNames<ExportDb>;
export type RunTx = IDBPTransaction<ExportDb, EngineStore[], 'readwrite'>;

/** The run is no longer this engine's to work on: canceled, finished, or its lease was taken. */
export class RunStoppedError extends Error {
  constructor(readonly why: 'missing' | 'not-running' | 'lease-lost') {
    super(`The run stopped (${why}).`);
    this.name = 'RunStoppedError';
  }
}

export interface RunTxContext {
  db: Database;
  runId: string;
  /** This engine's lease owner id. */
  owner: string;
  now: () => number;
  leaseMs: number;
}

/**
 * One checkpoint: a readwrite transaction over `runs` and `stores` that first checks the run is
 * still running under our lease, lets `change` read and write (IndexedDB requests only – awaiting
 * anything else would let the transaction auto-commit half way), then stores the run record with
 * its lease extended. Either all of it commits or none of it.
 */
export async function inRunTx<T>(
  context: RunTxContext,
  stores: readonly EngineStore[],
  change: (tx: RunTx, run: RunRecord) => Promise<T>,
): Promise<T> {
  const tx = context.db.transaction(['runs', ...stores], 'readwrite');
  try {
    const value = await tx.objectStore('runs').get(context.runId);
    if (value === undefined) throw new RunStoppedError('missing');
    const run = parseRunRecord(context.runId, value);
    if (run.status !== 'running') throw new RunStoppedError('not-running');
    if (run.lease?.owner !== context.owner) throw new RunStoppedError('lease-lost');
    const result = await change(tx, run);
    const now = context.now();
    run.updatedAt = now;
    // A checkpoint renews the lease; a run that just ended releases it.
    run.lease = run.status === 'running' ? { owner: context.owner, until: now + context.leaseMs } : null;
    await tx.objectStore('runs').put(run);
    await tx.done;
    return result;
  } catch (error) {
    abortQuietly(tx);
    await tx.done.catch(() => undefined);
    throw error;
  }
}

export function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing to undo.
  }
}
