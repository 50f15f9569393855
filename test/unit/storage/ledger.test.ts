import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import type { LedgerIndex } from '../../../src/core/run/ledger-index.ts';
import {
  CHUNK_ENTRIES,
  commitCompaction,
  getLedgerHead,
  ledgerLogRecord,
  loadLedger,
  TagTable,
  writeCompactedChunks,
} from '../../../src/storage/ledger.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the tag table', () => {
  test("numbers the run's tags first and translates another record's numbering", () => {
    const table = new TagTable(['VIP', 'Gold']);
    const fromOther = table.translator(['Gold', 'Old', 'VIP']);
    expect(fromOther(0b101)).toBe(table.bit('Gold') | table.bit('VIP'));
    expect(table.names).toEqual(['VIP', 'Gold', 'Old']);
    expect(table.namesOf(fromOther(0b010))).toEqual(['Old']);
  });

  test('forgets the tags beyond its capacity, never its own', () => {
    const table = new TagTable(['A', 'B'], 2);
    expect(table.translator(['C', 'A'])(0b11)).toBe(table.bit('A'));
    expect(table.names).toEqual(['A', 'B']);
  });
});

async function writeLog(
  db: Database,
  runId: string,
  kind: 'page' | 'update',
  emails: string[],
  change: (index: LedgerIndex, id: number) => void,
) {
  const ledger = await loadLedger(db, 'e1', runId, ['VIP'], 0);
  const touched = new Map<string, number>();
  for (const email of emails) {
    const id = ledger.index.entry(email);
    change(ledger.index, id);
    touched.set(email, id);
  }
  await db.put('ledgerLog', ledgerLogRecord(ledger, runId, kind, touched));
}

describe('the ledger in chunks and a log', () => {
  test('a run sees its own marks again after a restart, the next run only what lasts', async () => {
    const db = await openDatabase();
    await writeLog(db, 'run-1', 'page', ['a@example.com', 'b@example.com'], (index, id) => {
      index.markSeen(id, 1);
      index.markQueued(id);
      index.markEnqueued(id, 1, 'add');
    });
    await writeLog(db, 'run-1', 'update', ['a@example.com'], (index, id) => {
      index.setFingerprint(id, '00000000000000aa');
      index.confirm(id, 1, 'add');
    });

    const again = await loadLedger(db, 'e1', 'run-1', ['VIP'], 0);
    expect(again.foreignLog).toBe(false);
    expect(again.ownLog).toBe(true);
    expect(again.nextLog).toBe(2);
    expect(again.index.state(again.index.find('a@example.com'))).toEqual({
      fingerprint: '00000000000000aa',
      tags: 1,
      pendingAdd: 0,
      pendingRemove: 0,
      foreign: 0,
      seen: 1,
      enqueued: 1,
      queued: true,
    });

    const next = await loadLedger(db, 'e1', 'run-2', ['VIP'], 0);
    expect(next.foreignLog).toBe(true);
    expect(next.ownLog).toBe(false);
    expect(next.index.state(next.index.find('b@example.com'))).toEqual({
      fingerprint: null,
      tags: 0,
      pendingAdd: 1,
      pendingRemove: 0,
      foreign: 0,
      seen: 0,
      enqueued: 0,
      queued: false,
    });
    db.close();
  });

  test('compaction folds the log into a new generation of full chunks and drops what it replaced', async () => {
    const db = await openDatabase();
    const emails = Array.from({ length: CHUNK_ENTRIES + 10 }, (_, i) => `member${i}@example.com`);
    await writeLog(db, 'run-1', 'page', [...emails, 'nothing@example.com'], (index, id) =>
      index.markSeen(id, 1),
    );
    await writeLog(db, 'run-1', 'update', emails, (index, id) => {
      index.setFingerprint(id, '0000000000000001');
      index.confirm(id, 1, 'add');
    });

    const loaded = await loadLedger(db, 'e1', 'run-2', ['VIP'], 0);
    const compaction = await writeCompactedChunks(db, loaded);
    const tx = db.transaction(['ledgers', 'ledgerChunks', 'ledgerLog'], 'readwrite');
    await commitCompaction(tx, loaded.head, compaction);
    await tx.done;

    expect(await getLedgerHead(db, 'e1')).toEqual({
      exportId: 'e1',
      generation: 1,
      chunks: 2,
      // An email only ever seen, with nothing sent or tagged, is not worth keeping.
      entries: CHUNK_ENTRIES + 10,
      tags: ['VIP'],
    });
    expect(await db.count('ledgerLog')).toBe(0);
    const reloaded = await loadLedger(db, 'e1', 'run-3', ['VIP', 'Gold'], 0);
    expect(reloaded.index.size).toBe(CHUNK_ENTRIES + 10);
    const id = reloaded.index.find('member7@example.com');
    expect(reloaded.index.hasFingerprint(id, '0000000000000001')).toBe(true);
    expect(reloaded.index.tags(id)).toBe(reloaded.table.bit('VIP'));
    expect(reloaded.index.find('nothing@example.com')).toBe(-1);
    db.close();
  });
});
