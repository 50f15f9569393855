import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { type IDBPDatabase, openDB } from 'idb';
import { beforeEach, describe, expect, test } from 'vitest';
import { getSnapshotHead, lookupSnapshot } from '../../../src/storage/brand-snapshot.ts';
import { loadBudgetState } from '../../../src/storage/budget-state.ts';
import { listConnections } from '../../../src/storage/connections.ts';
import { listCustomerInsightsEnvironments } from '../../../src/storage/customer-insights-environments.ts';
import { listExports } from '../../../src/storage/exports.ts';
import { listFileSources, readFileRowsPage } from '../../../src/storage/file-sources.ts';
import { getLedgerEntry, getLedgerHead } from '../../../src/storage/ledger.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { getRun } from '../../../src/storage/run-records.ts';
import { readRejectedPage } from '../../../src/storage/run-rejected.ts';
import { getScheduleRecord } from '../../../src/storage/run-schedules.ts';
import {
  parseBatchRecord,
  parseOutboxChunk,
  parseRunChange,
  parseTagChunk,
} from '../../../src/storage/run-work.ts';
import { DB_NAME, DB_VERSION } from '../../../src/storage/schema.ts';
import { readAdminPassphrase } from '../../../src/storage/settings.ts';
import { plainVault } from '../../support/plain-vault.ts';
import { beforeVersion4, environmentBeforeDataverse, type StoreName, samples } from './sample-records.ts';

interface StoreShape {
  keyPath: string | string[] | null;
  indexes?: Record<string, string | string[]>;
}

/**
 * What each released version of the database changed, written down once and never edited (an
 * installed extension may be on any of them): a store it added or gave a new shape, or `null` for
 * one it deleted. A new version adds an entry here and a step at the end of the ladder in
 * open-database.ts.
 */
type Version = Partial<Record<StoreName | keyof typeof beforeVersion4, StoreShape | null>>;
const changed: Version[] = [
  {
    connections: { keyPath: 'id' },
    exports: { keyPath: 'id', indexes: { byConnection: 'connectionId' } },
    runs: { keyPath: 'id', indexes: { byExport: 'exportId' } },
    settings: { keyPath: null },
    vault: { keyPath: null },
  },
  {
    sources: { keyPath: 'id' },
    fileRows: { keyPath: ['sourceId', 'generation', 'page'] },
  },
  {
    ledger: { keyPath: ['exportId', 'email'] },
    runOutbox: { keyPath: ['runId', 'seq'] },
    runBatches: { keyPath: ['runId', 'seq'] },
    runTags: { keyPath: ['runId', 'op', 'tag', 'email'] },
    runRejected: { keyPath: ['runId', 'seq'] },
    budgets: { keyPath: null },
    schedules: { keyPath: 'exportId' },
  },
  {
    // The ledger in chunks and a log; queued contacts and tag emails many to a record.
    ledger: null,
    ledgers: { keyPath: 'exportId' },
    ledgerChunks: { keyPath: ['exportId', 'generation', 'chunk'] },
    ledgerLog: {
      keyPath: ['exportId', 'seq'],
      indexes: { byKind: ['exportId', 'kind', 'seq'] },
    },
    runTags: { keyPath: ['runId', 'op', 'tag', 'seq'] },
    runs: {
      keyPath: 'id',
      indexes: {
        byExport: 'exportId',
        byStatus: 'status',
        byExportCreated: ['exportId', 'createdAt'],
      },
    },
  },
  {
    // The brand snapshot (issue #16).
    brandSnapshots: { keyPath: 'brandId' },
    brandContacts: { keyPath: ['brandId', 'generation', 'email'] },
  },
  {
    // What a run changed in Omnisend, for Undo.
    runChanges: { keyPath: ['runId', 'seq'] },
  },
];

/** Every store a database of `version` has. */
function storesAt(version: number): Record<string, StoreShape> {
  const stores: Record<string, StoreShape> = {};
  for (const step of changed.slice(0, version))
    for (const [name, shape] of Object.entries(step)) {
      if (shape === null) delete stores[name];
      else stores[name] = shape;
    }
  return stores;
}

/** The record a database of `version` holds in store `name`. */
function sampleAt(name: string, version: number): { key?: IDBValidKey; value: unknown } {
  if (version < 4 && name in beforeVersion4) return beforeVersion4[name as keyof typeof beforeVersion4];
  return samples[name as StoreName];
}

/**
 * What a store holds after the upgrade from `version`, where a step rewrote it: version 4 moved
 * the ledger into chunks, and dropped queued work in the old form (no run that had any survives).
 */
function upgradedFrom(version: number): Partial<Record<StoreName, unknown[]>> {
  if (version >= 4) return {};
  if (!('ledger' in storesAt(version))) return {};
  const { exportId } = beforeVersion4.ledger.value;
  return {
    ledgers: [{ exportId, generation: 1, chunks: 1, entries: 1, tags: ['VIP'] }],
    ledgerChunks: [
      {
        exportId,
        generation: 1,
        chunk: 0,
        tags: ['VIP'],
        emails: ['a@example.com'],
        fingerprints: ['00000000000000ff'],
        tagBits: [1],
        pendingAdd: [0],
        pendingRemove: [0],
      },
    ],
    runOutbox: [],
    runTags: [],
  };
}
const olderVersions = Array.from({ length: DB_VERSION - 1 }, (_, i) => i + 1);

/** The stores, key paths and indexes a database has. */
function shapeOf(db: IDBPDatabase<unknown>): Record<string, StoreShape> {
  const names = [...db.objectStoreNames];
  const tx = db.transaction(names);
  const shape: Record<string, StoreShape> = {};
  for (const name of names) {
    const store = tx.objectStore(name);
    const indexes = Object.fromEntries(
      [...store.indexNames].map((index) => [index, store.index(index).keyPath]),
    );
    shape[name] = {
      keyPath: store.keyPath as StoreShape['keyPath'],
      ...(store.indexNames.length ? { indexes } : {}),
    };
  }
  return shape;
}

/** A database as version `version` of the extension left it, with one record in every store. */
async function databaseAt(version: number) {
  const db = await openDB(DB_NAME, version, {
    upgrade(raw) {
      for (const [name, { keyPath, indexes }] of Object.entries(storesAt(version))) {
        const store = raw.createObjectStore(name, keyPath === null ? {} : { keyPath });
        for (const [index, path] of Object.entries(indexes ?? {})) store.createIndex(index, path);
      }
    },
  });
  for (const name of Object.keys(storesAt(version))) {
    const { key, value } = sampleAt(name, version);
    await db.put(name, value, key);
  }
  db.close();
}

/** Reads each sample back through the storage module that owns its store, with zod: it must pass. */
const readers: Record<StoreName, (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<unknown>> = {
  connections: async (db) => (await listConnections(db))[0],
  exports: async (db) => (await listExports(db))[0],
  runs: (db) => getRun(db, 'r1'),
  settings: (db) => readAdminPassphrase(db),
  vault: (db) => plainVault(db).has('c1'),
  sources: async (db) => (await listFileSources(db))[0],
  fileRows: (db) => readFileRowsPage(db, 'f1', 1, 0),
  ledgers: (db) => getLedgerHead(db, samples.ledgers.value.exportId),
  ledgerChunks: (db) => getLedgerEntry(db, samples.ledgers.value.exportId, 'a@example.com'),
  ledgerLog: (db) => getLedgerEntry(db, samples.ledgers.value.exportId, 'b@example.com'),
  runOutbox: async (db) => parseOutboxChunk((await db.getAll('runOutbox'))[0]),
  runBatches: async (db) => parseBatchRecord((await db.getAll('runBatches'))[0]),
  runTags: async (db) => parseTagChunk((await db.getAll('runTags'))[0]),
  runChanges: async (db) => parseRunChange((await db.getAll('runChanges'))[0]),
  runRejected: async (db) => (await readRejectedPage(db, 'r1', 0)).rows[0],
  budgets: (db) => loadBudgetState(db, 'b1'),
  schedules: (db) => getScheduleRecord(db, samples.schedules.value.exportId),
  brandSnapshots: (db) => getSnapshotHead(db, 'b1'),
  brandContacts: async (db) =>
    (await lookupSnapshot(db, await getSnapshotHead(db, 'b1'), ['a@example.com'])).get('a@example.com'),
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the upgrade ladder', () => {
  test('knows every released version, the current one last', () => {
    expect(changed).toHaveLength(DB_VERSION);
    expect(Object.keys(samples).sort()).toEqual(Object.keys(storesAt(DB_VERSION)).sort());
  });

  test('builds a new database with the stores, key paths and indexes of every version', async () => {
    const db = await openDatabase();
    expect(db.version).toBe(DB_VERSION);
    expect(shapeOf(db as IDBPDatabase<unknown>)).toEqual(storesAt(DB_VERSION));
    db.close();
  });

  test.each(olderVersions)(
    'upgrades a database of version %i with data in it, keeping every record and adding the new stores',
    async (version) => {
      await databaseAt(version);
      const db = await openDatabase();
      expect(db.version).toBe(DB_VERSION);
      expect(shapeOf(db as IDBPDatabase<unknown>)).toEqual(storesAt(DB_VERSION));
      const rewritten = upgradedFrom(version);
      for (const name of Object.keys(storesAt(DB_VERSION)) as StoreName[]) {
        const kept = name in storesAt(version);
        const expected = rewritten[name] ?? (kept ? [samples[name].value] : []);
        expect(await db.getAll(name), name).toEqual(expected);
        if (expected.length > 0) expect(await readers[name](db), name).toBeTruthy();
      }
      if ('ledger' in storesAt(version))
        expect(await getLedgerEntry(db, beforeVersion4.ledger.value.exportId, 'a@example.com')).toEqual({
          email: 'a@example.com',
          fingerprint: '00000000000000ff',
          tags: ['VIP'],
          pending: {},
        });
      db.close();
    },
  );

  test('reads records from before a field was added with its default, within the same version', async () => {
    await databaseAt(DB_VERSION);
    const db = await openDatabase();
    const { problems: _problems, ...run } = samples.runs.value;
    // The leaver scan's chunk and the outbox's and tag queue's counters came with version 4;
    // a run queued before the upgrade has none.
    const { outboxItems: _o, tagChunk: _t, ...seq } = run.seq;
    await db.put('runs', { ...run, untagScan: { done: false }, seq });
    const file = samples.sources.value;
    if (file.kind !== 'file' || !file.current) throw new Error('The sample source is a file.');
    const { encoding: _e, unreadableCount: _c, unreadableLines: _l, ...content } = file.current;
    await db.put('sources', { ...file, current: content });
    const { value: _value, ...rejected } = samples.runRejected.value;
    await db.put('runRejected', rejected);

    expect(await getRun(db, 'r1')).toMatchObject({
      problems: [],
      untagScan: { chunk: 0, done: false },
      seq: { outboxItems: 0, tagChunk: 0 },
    });
    expect((await listFileSources(db))[0]?.current).toMatchObject({
      encoding: 'utf-8',
      unreadableCount: 0,
      unreadableLines: [],
    });
    expect((await readRejectedPage(db, 'r1', 0)).rows[0]).not.toHaveProperty('value');
    db.close();
  });

  test('opens a current database again without touching its records', async () => {
    await databaseAt(DB_VERSION);
    const db = await openDatabase();
    for (const name of Object.keys(samples) as StoreName[]) {
      expect(await db.getAll(name), name).toEqual([samples[name].value]);
      expect(await readers[name](db), name).toBeTruthy();
    }
    db.close();
  });

  // The record gained fields with defaults, not a schema version: every version with `sources` may hold one.
  test.each([...olderVersions, DB_VERSION].filter((version) => 'sources' in storesAt(version)))(
    'reads a Customer Insights environment stored at version %i before the Dataverse route, as a Data API one',
    async (version) => {
      await databaseAt(version);
      const raw = await openDB(DB_NAME, version);
      await raw.put('sources', environmentBeforeDataverse);
      raw.close();
      const db = await openDatabase();
      expect(await listCustomerInsightsEnvironments(db)).toEqual([
        { ...environmentBeforeDataverse, route: 'data-api', orgUrl: null, segments: [] },
      ]);
      db.close();
    },
  );
});
