import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { countRecords } from '../../../src/storage/counts.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { CorruptRecordError, connectionRecordSchema, parseRecord } from '../../../src/storage/records.ts';
import { DB_VERSION } from '../../../src/storage/schema.ts';
import { readAdminPassphrase } from '../../../src/storage/settings.ts';
import { putRaw, storedExport } from '../../support/stored-records.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('openDatabase', () => {
  test('walks the whole upgrade ladder to the current version, with the stores of every step', async () => {
    const db = await openDatabase();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames]).toEqual(
      expect.arrayContaining(['connections', 'exports', 'fileRows', 'runs', 'settings', 'sources', 'vault']),
    );
    const tx = db.transaction(['exports', 'runs']);
    expect([...tx.objectStore('exports').indexNames]).toEqual(['byConnection']);
    expect([...tx.objectStore('runs').indexNames]).toEqual(['byExport']);
    db.close();
  });

  test('opens an existing database again without losing records', async () => {
    const first = await openDatabase();
    await first.put('exports', storedExport({ name: 'VIP', connectionId: null }));
    first.close();
    const second = await openDatabase();
    expect(await countRecords(second)).toEqual({ connections: 0, sources: 0, exports: 1, runs: 0 });
    second.close();
  });
});

describe('validated reads', () => {
  test('a damaged record is an explicit error, not a default', () => {
    expect(() => parseRecord(connectionRecordSchema, 'connections', 'c1', { id: 'c1' })).toThrow(
      CorruptRecordError,
    );
  });

  test('the administrator passphrase is absent on a new database and must be well-formed when present', async () => {
    const db = await openDatabase();
    expect(await readAdminPassphrase(db)).toBeNull();
    await putRaw(db, 'settings', { algorithm: 'MD5' }, 'adminPassphrase');
    await expect(readAdminPassphrase(db)).rejects.toBeInstanceOf(CorruptRecordError);
    db.close();
  });
});
