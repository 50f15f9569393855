import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import type { RunStatus } from '../../../src/core/run/run-state.ts';
import { countRecords } from '../../../src/storage/counts.ts';
import { getLedgerEntry, getLedgerHead } from '../../../src/storage/ledger.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { CorruptRecordError, connectionRecordSchema, parseRecord } from '../../../src/storage/records.ts';
import { latestRun, listUnfinishedRuns } from '../../../src/storage/run-records.ts';
import { DB_NAME, DB_VERSION } from '../../../src/storage/schema.ts';
import { readAdminPassphrase } from '../../../src/storage/settings.ts';
import { putRaw, storedExport, storedRun } from '../../support/stored-records.ts';

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
    const tx = db.transaction(['exports', 'runs', 'ledgerLog']);
    expect([...tx.objectStore('exports').indexNames]).toEqual(['byConnection']);
    expect([...tx.objectStore('ledgerLog').indexNames]).toEqual(['byKind']);
    expect([...tx.objectStore('runs').indexNames]).toEqual(['byExport', 'byExportCreated', 'byStatus']);
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

describe('schema step 4', () => {
  /** A database as schema version 3 left it, with the stores step 4 reads. */
  async function version3(fill: (tx: IDBTransaction) => void): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 3);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('byExport', 'exportId');
        db.createObjectStore('ledger', { keyPath: ['exportId', 'email'] });
        db.createObjectStore('runOutbox', { keyPath: ['runId', 'seq'] });
        db.createObjectStore('runTags', { keyPath: ['runId', 'op', 'tag', 'email'] });
        fill(open.transaction!);
      };
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
  }

  test('moves every v3 ledger entry into chunks, and ends the runs that were running', async () => {
    await version3((tx) => {
      const ledger = tx.objectStore('ledger');
      for (let i = 0; i < 2_500; i++) {
        ledger.put({
          exportId: 'e1',
          email: `member${i}@example.com`,
          fingerprint: i.toString(16).padStart(16, '0'),
          tags: i % 2 === 0 ? ['VIP'] : [],
          pending: i % 3 === 0 ? { Gold: 'add' } : i % 5 === 0 ? { VIP: 'remove' } : {},
          seen: { VIP: 'old-run' },
          queued: null,
        });
      }
      ledger.put({
        exportId: 'e2',
        email: 'solo@example.com',
        fingerprint: null,
        tags: ['Kept'],
        pending: {},
        seen: {},
        queued: null,
      });
      const run = (id: string, status: string) => ({
        id,
        exportId: 'e1',
        status,
        tagQueue: [{ op: 'add', tag: 'VIP', count: 1 }],
      });
      tx.objectStore('runs').put(run('running', 'running'));
      tx.objectStore('runs').put(run('queued', 'queued'));
      tx.objectStore('runs').put(run('done', 'succeeded'));
      tx.objectStore('runOutbox').put({ runId: 'running', seq: 0, email: 'x@example.com' });
      tx.objectStore('runTags').put({ runId: 'running', op: 'add', tag: 'VIP', email: 'x@example.com' });
    });

    const db = await openDatabase();
    expect([...db.objectStoreNames]).not.toContain('ledger');
    expect(await getLedgerHead(db, 'e1')).toMatchObject({ generation: 1, chunks: 2, entries: 2_500 });
    expect(await getLedgerEntry(db, 'e1', 'member0@example.com')).toEqual({
      email: 'member0@example.com',
      fingerprint: '0000000000000000',
      tags: ['VIP'],
      pending: { Gold: 'add' },
    });
    expect(await getLedgerEntry(db, 'e1', 'member2005@example.com')).toMatchObject({
      tags: [],
      pending: { VIP: 'remove' },
    });
    expect(await getLedgerEntry(db, 'e2', 'solo@example.com')).toMatchObject({
      fingerprint: null,
      tags: ['Kept'],
    });
    const runs = Object.fromEntries((await db.getAll('runs')).map((r) => [(r as { id: string }).id, r]));
    expect(runs.running).toMatchObject({ status: 'failed', error: { code: 'engine.updated' }, tagQueue: [] });
    expect(runs.queued).toMatchObject({ status: 'queued' });
    expect(runs.done).toMatchObject({ status: 'succeeded' });
    expect(await db.count('runOutbox')).toBe(0);
    expect(await db.count('runTags')).toBe(0);
    expect(db.transaction('runTags').store.keyPath).toEqual(['runId', 'op', 'tag', 'seq']);
    db.close();
  });

  test("reads the active runs and an export's newest run without reading the history", async () => {
    await version3(() => undefined);
    const db = await openDatabase();
    const run = (id: string, exportId: string, status: RunStatus, createdAt: number) =>
      storedRun(
        id,
        { ...storedExport({ name: 'VIP', connectionId: 'c1' }), id: exportId },
        {
          status,
          createdAt,
          updatedAt: createdAt,
        },
      );
    for (let i = 0; i < 50; i++) await db.put('runs', run(`old${i}`, 'e1', 'succeeded', i));
    await db.put('runs', run('latest', 'e1', 'running', 100));
    await db.put('runs', run('other', 'e2', 'queued', 50));
    expect((await listUnfinishedRuns(db)).map((r) => r.id)).toEqual(['latest', 'other']);
    expect((await latestRun(db, 'e1'))?.id).toBe('latest');
    expect((await latestRun(db, 'e2'))?.id).toBe('other');
    expect(await latestRun(db, 'e3')).toBeUndefined();
    db.close();
  });
});
