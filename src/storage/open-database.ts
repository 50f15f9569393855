import { type IDBPDatabase, openDB, unwrap } from 'idb';
import { DB_NAME, DB_VERSION, type ExportDb } from './schema.ts';
import { upgradeToV4 } from './upgrade-v4.ts';

export type Database = IDBPDatabase<ExportDb>;

/**
 * Opens the database and walks the upgrade ladder. Each `if (oldVersion < N)` step is frozen once
 * released: a later schema adds a step, it never edits one (an installed extension may be on any
 * earlier version). test/unit/storage/upgrade-ladder.test.ts records what each version added and
 * upgrades a filled database of every older version.
 */
export function openDatabase(): Promise<Database> {
  return openDB<ExportDb>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore('connections', { keyPath: 'id' });
        db.createObjectStore('exports', { keyPath: 'id' }).createIndex('byConnection', 'connectionId');
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('byExport', 'exportId');
        db.createObjectStore('settings');
        db.createObjectStore('vault');
      }
      if (oldVersion < 2) {
        db.createObjectStore('sources', { keyPath: 'id' });
        db.createObjectStore('fileRows', { keyPath: ['sourceId', 'generation', 'page'] });
      }
      if (oldVersion < 3) {
        // The v3 ledger; step 4 moves it into `ledgerChunks`. Not in the typed schema any more.
        unwrap(db).createObjectStore('ledger', { keyPath: ['exportId', 'email'] });
        db.createObjectStore('runOutbox', { keyPath: ['runId', 'seq'] });
        db.createObjectStore('runBatches', { keyPath: ['runId', 'seq'] });
        db.createObjectStore('runTags', { keyPath: ['runId', 'op', 'tag', 'email'] });
        db.createObjectStore('runRejected', { keyPath: ['runId', 'seq'] });
        db.createObjectStore('budgets');
        db.createObjectStore('schedules', { keyPath: 'exportId' });
      }
      if (oldVersion < 4) upgradeToV4(unwrap(db), unwrap(transaction), Date.now());
      if (oldVersion < 5) {
        db.createObjectStore('brandSnapshots', { keyPath: 'brandId' });
        db.createObjectStore('brandContacts', { keyPath: ['brandId', 'generation', 'email'] });
      }
      if (oldVersion < 6) db.createObjectStore('runChanges', { keyPath: ['runId', 'seq'] });
    },
  });
}
