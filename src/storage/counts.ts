import type { Database } from './open-database.ts';

export interface StoreCounts {
  connections: number;
  exports: number;
  runs: number;
}

export async function countRecords(db: Database): Promise<StoreCounts> {
  const tx = db.transaction(['connections', 'exports', 'runs'], 'readonly');
  const [connections, exports, runs] = await Promise.all([
    tx.objectStore('connections').count(),
    tx.objectStore('exports').count(),
    tx.objectStore('runs').count(),
  ]);
  await tx.done;
  return { connections, exports, runs };
}
