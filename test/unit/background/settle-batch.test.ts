import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { applyBatchResults } from '../../../src/background/engine/settle-batch.ts';
import {
  type BatchOutcome,
  batchOutcome,
  type ContactOutcome,
  missingBatch,
} from '../../../src/omnisend/batch-outcome.ts';
import type { Batch } from '../../../src/omnisend/schemas.ts';
import { loadLedger } from '../../../src/storage/ledger.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { parseRunRecord, type RunRecord } from '../../../src/storage/run-records.ts';
import { readRejectedPage } from '../../../src/storage/run-rejected.ts';
import { parseBatchRecord } from '../../../src/storage/run-work.ts';
import { samples } from '../storage/sample-records.ts';

/**
 * What Omnisend refused in a batch joins the run's problems (History's "Contacts not sent") from
 * the client's per-contact outcomes, next to the problems the run already had.
 */
let db: Database;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
});

const item = (n: number) => ({
  email: `p${n}@example.com`,
  tag: 'VIP',
  position: n + 1,
  fingerprint: '00000000000000ff',
});

async function settle(outcome: BatchOutcome, seen: string[] = []): Promise<RunRecord> {
  if (!outcome.settled) throw new Error('Only a settled batch has outcomes.');
  const run = parseRunRecord('r1', samples.runs.value);
  const batch = parseBatchRecord({ ...samples.runBatches.value, items: [item(1), item(2)] });
  const ledger = await loadLedger(db, run.exportId, run.id, ['VIP'], 2);
  for (const email of seen) ledger.index.markSeen(ledger.index.entry(email), ledger.table.bit('VIP'));
  const tx = db.transaction(
    ['runs', 'ledgerLog', 'runTags', 'runRejected', 'runBatches', 'runChanges'],
    'readwrite',
  );
  await applyBatchResults(tx, run, ledger, [{ batch, outcomeOf: outcome.outcomeOf }], ['VIP']);
  await tx.done;
  return run;
}

describe('settling a batch', () => {
  test('a contact Omnisend refused is a rejected row and a problem with Omnisend’s words', async () => {
    const refused: ContactOutcome = {
      ok: false,
      field: 'identifiers.0.id',
      message: 'Must be a valid email address',
      responseCode: 400,
      requestId: 'req-1',
    };
    const run = await settle({
      settled: true,
      outcomeOf: (email) => (email === 'p2@example.com' ? refused : { ok: true, created: true }),
    });

    expect(run.counters).toMatchObject({ created: 1, rejected: 1 });
    expect(run.support.requestIds).toEqual(['req-1']);
    expect(run.problems).toEqual([
      samples.runs.value.problems?.[0],
      {
        kind: 'row',
        field: 'identifiers.0.id',
        reason: 'omnisend-rejected',
        count: 1,
        examples: [{ position: 3, email: 'p2@example.com', value: 'Must be a valid email address' }],
      },
    ]);
    expect((await readRejectedPage(db, 'r1', 0)).rows).toEqual([
      {
        runId: 'r1',
        seq: 0,
        position: 3,
        kind: 'row',
        email: 'p2@example.com',
        field: 'identifiers.0.id',
        reason: 'omnisend-rejected',
        message: 'Must be a valid email address',
        responseCode: 400,
        requestId: 'req-1',
      },
    ]);
  });

  test('a batch Omnisend no longer knows counts every contact as not sent', async () => {
    const run = await settle(missingBatch);
    expect(run.counters).toMatchObject({ created: 0, updated: 0, rejected: 2 });
    expect(run.problems.find((group) => group.kind === 'row')).toEqual({
      kind: 'row',
      field: 'contact',
      reason: 'omnisend-rejected',
      count: 2,
      examples: [
        { position: 2, email: 'p1@example.com', value: 'Omnisend stopped the batch before this contact.' },
        { position: 3, email: 'p2@example.com', value: 'Omnisend stopped the batch before this contact.' },
      ],
    });
  });

  test('a contact missing from a finished batch’s results is not counted as sent, not tagged, sent again', async () => {
    const finished: Batch = {
      batchID: 'b1',
      status: 'finished',
      totalCount: 2,
      finishedCount: 2,
      errorsCount: 0,
      responses: [
        {
          responseCode: 201,
          request: { identifiers: [{ type: 'email', id: 'p1@example.com' }] },
          response: {},
        },
      ],
      errors: [],
    };
    const run = await settle(batchOutcome(finished), ['p1@example.com', 'p2@example.com']);

    expect(run.counters).toMatchObject({ created: 1, updated: 0, rejected: 1 });
    const ledger = await loadLedger(db, run.exportId, run.id, ['VIP'], 2);
    const unconfirmed = ledger.index.find('p2@example.com');
    expect(unconfirmed < 0 || ledger.index.state(unconfirmed).fingerprint === null).toBe(true);
    if (unconfirmed >= 0) expect(ledger.index.pendingAdd(unconfirmed)).toBe(0);
    const taken = ledger.index.find('p1@example.com');
    expect(ledger.index.state(taken).fingerprint).toBe(item(1).fingerprint);
    expect(ledger.index.pendingAdd(taken)).toBe(ledger.table.bit('VIP'));
    expect(run.tagQueue).toEqual([{ op: 'add', tag: 'VIP', count: 1 }]);
    expect((await readRejectedPage(db, 'r1', 0)).rows).toEqual([
      expect.objectContaining({ email: 'p2@example.com', reason: 'omnisend-unconfirmed' }),
    ]);
  });

  test('batches settled together are one checkpoint: one ledger log record and one tag queue record', async () => {
    const run = parseRunRecord('r1', samples.runs.value);
    run.seq.settled = 0;
    const batches = [0, 1, 2].map((seq) =>
      parseBatchRecord({ ...samples.runBatches.value, seq, items: [item(2 * seq), item(2 * seq + 1)] }),
    );
    const ledger = await loadLedger(db, run.exportId, run.id, ['VIP'], 6);
    for (let n = 0; n < 6; n++)
      ledger.index.markSeen(ledger.index.entry(`p${n}@example.com`), ledger.table.bit('VIP'));
    const tx = db.transaction(
      ['runs', 'ledgerLog', 'runTags', 'runRejected', 'runBatches', 'runChanges'],
      'readwrite',
    );
    const taken = (): ContactOutcome => ({ ok: true, created: true });
    await applyBatchResults(
      tx,
      run,
      ledger,
      batches.map((batch) => ({ batch, outcomeOf: taken })),
      ['VIP'],
    );
    await tx.done;

    expect(run.seq.settled).toBe(3);
    expect(run.counters.created).toBe(6);
    const logs = await db.getAll('ledgerLog');
    expect(logs).toHaveLength(1);
    expect((logs[0] as { emails: string[] }).emails).toHaveLength(6);
    const tagChunks = await db.getAll('runTags');
    expect(tagChunks).toHaveLength(1);
    expect((tagChunks[0] as { emails: string[] }).emails).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => `p${n}@example.com`),
    );
    const stored = (await db.getAll('runBatches')).map(parseBatchRecord);
    expect(stored.map((b) => [b.seq, b.state, b.items.length])).toEqual([
      [0, 'settled', 0],
      [1, 'settled', 0],
      [2, 'settled', 0],
    ]);
  });

  test('a contact that carries the tag from elsewhere is not tagged nor claimed; created contacts are kept for Undo', async () => {
    const finished: Batch = {
      batchID: 'b1',
      status: 'finished',
      totalCount: 2,
      finishedCount: 2,
      errorsCount: 0,
      responses: [
        {
          responseCode: 200,
          request: { identifiers: [{ type: 'email', id: 'p1@example.com' }] },
          response: { id: 'c1', email: 'p1@example.com', tags: ['VIP', 'Newsletter'] },
        },
        {
          responseCode: 201,
          request: { identifiers: [{ type: 'email', id: 'p2@example.com' }] },
          response: { id: 'c2', email: 'p2@example.com', tags: [] },
        },
      ],
      errors: [],
    };
    const run = await settle(batchOutcome(finished), ['p1@example.com', 'p2@example.com']);

    expect(run.tagQueue).toEqual([{ op: 'add', tag: 'VIP', count: 1 }]);
    const ledger = await loadLedger(db, run.exportId, run.id, ['VIP'], 2);
    const vip = ledger.table.bit('VIP');
    const carried = ledger.index.find('p1@example.com');
    expect(ledger.index.state(carried)).toMatchObject({ tags: 0, pendingAdd: 0, foreign: vip });
    expect(ledger.index.needsTag(carried, vip)).toBe(false);
    expect(ledger.index.mayHaveOurTag(carried, vip)).toBe(false);
    expect(await db.getAll('runChanges')).toEqual([
      { runId: 'r1', seq: 0, op: 'create', tag: '', emails: ['p2@example.com'] },
    ]);
  });
});
