import type { Database } from './open-database.ts';

/**
 * Settings › "Delete all data": every store, the vault key included, in one transaction, so no
 * contact data, ledger or secret survives in this browser.
 */
export async function deleteAllData(db: Database): Promise<void> {
  const names = [...db.objectStoreNames];
  const tx = db.transaction(names, 'readwrite');
  await Promise.all(names.map((name) => tx.objectStore(name).clear()));
  await tx.done;
}
