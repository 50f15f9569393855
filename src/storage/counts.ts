import type { Database } from './open-database.ts';

export interface StoreCounts {
  connections: number;
  /** Segment files and Customer Insights environments. */
  sources: number;
  exports: number;
  runs: number;
}

export async function countRecords(db: Database): Promise<StoreCounts> {
  const tx = db.transaction(['connections', 'sources', 'exports', 'runs'], 'readonly');
  const [connections, sources, exports, runs] = await Promise.all([
    tx.objectStore('connections').count(),
    tx.objectStore('sources').count(),
    tx.objectStore('exports').count(),
    tx.objectStore('runs').count(),
  ]);
  await tx.done;
  return { connections, sources, exports, runs };
}
