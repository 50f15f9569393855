import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createWorker } from '../../../src/background/create-worker.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { range, testTuning } from '../engine/engine-world.ts';

/**
 * Removing a connection, or replacing its key, while a run sends with it: the run is canceled
 * first — it ends as "Cancelled: …", and not one request with the old key leaves the worker
 * after the message returned.
 */

let omnisend: OmnisendSandbox;

beforeAll(async () => {
  // Two keys of one brand, so the key can be replaced by another of the same brand.
  omnisend = await startOmnisendSandbox({ timeScale: 60, brands: [{ keys: [{}, {}] }] });
  // Each answer takes a while, so a request is in flight when the connection changes.
  omnisend.faults.latency(40);
});
afterAll(async () => {
  await omnisend.close();
});
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
});

/** The worker's fetch, remembering the key each request carried and when it left. */
function recordingFetch() {
  const sent: { key: string; path: string }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const header = new Headers(init?.headers).get('Authorization') ?? '';
    sent.push({ key: header.replace('Omnisend-API-Key ', ''), path: new URL(String(input)).pathname });
    return omnisend.fetch(input, init);
  };
  return { sent, fetch };
}

async function sendingWorld() {
  const recorded = recordingFetch();
  const worker = createWorker(fakePlatform({ fetch: recorded.fetch }), testTuning);
  const ask = askAs(worker);
  const [first, second] = omnisend.brands[0]!.keys.map((k) => k.key);
  const connection = {
    displayName: 'Main brand',
    shareWith: 'administrators' as const,
    agreed: true as const,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  };
  const { connection: saved } = await ask('connections.save', { ...connection, apiKey: first! });
  const { uploadId } = await ask('files.begin', {
    name: 'Readers',
    fileName: 'readers.csv',
    encoding: 'utf-8',
  });
  const rows = range(0, 3_000).map((i) => ({ line: i + 2, values: { Email: `reader${i}@example.com` } }));
  for (let page = 0; page * 1_000 < rows.length; page++) {
    const slice = rows.slice(page * 1_000, (page + 1) * 1_000);
    await ask('files.page', {
      uploadId,
      page,
      fields: ['Email'],
      rows: slice,
      errors: [],
      unreadableLines: [],
    });
  }
  const { file } = await ask('files.commit', { uploadId });
  const { id: exportId } = await ask('exports.save', {
    draft: {
      name: 'Readers push',
      connectionId: saved.id,
      segments: [{ sourceId: file.id, segmentId: file.id, displayName: 'Readers', tag: 'Readers' }],
      mapping: { email: 'Email' },
      syncMode: 'mirror',
      schedule: { kind: 'manual' },
    },
  });
  /** Starts a run and returns once it has sent its first batch. */
  async function runUntilSending(): Promise<string> {
    const before = recorded.sent.length;
    const { runId } = await ask('exports.run', { id: exportId, fullResync: true });
    await expect
      .poll(() => recorded.sent.slice(before).some((r) => r.path.endsWith('/batches')), { timeout: 10_000 })
      .toBe(true);
    return runId;
  }
  return {
    worker,
    ask,
    recorded,
    connection,
    connectionId: saved.id,
    keys: [first!, second!],
    runUntilSending,
  };
}

describe('a run that sends through a connection', () => {
  test('is canceled before the key is replaced, and no request carries the old key afterwards', async () => {
    const { worker, ask, recorded, connection, connectionId, keys, runUntilSending } = await sendingWorld();
    const runId = await runUntilSending();
    await ask('connections.save', { ...connection, id: connectionId, apiKey: keys[1]! });
    const replacedAt = recorded.sent.length;
    await (await worker.engine()).idle();
    await omnisend.inspect.whenIdle();

    expect(recorded.sent.slice(replacedAt).filter((r) => r.key === keys[0])).toEqual([]);
    const { run } = await ask('runs.get', { id: runId });
    expect(run).toMatchObject({
      status: 'canceled',
      error: { code: 'connection-key-replaced' },
      waiting: null,
    });
    expect(run.counts.read).toBeLessThan(3_000);
  });

  test('ends as "Cancelled: connection removed" before the key is deleted, and sends nothing more', async () => {
    const { worker, ask, recorded, connectionId, keys, runUntilSending } = await sendingWorld();
    const runId = await runUntilSending();
    await ask('connections.remove', { id: connectionId, detachExports: true });
    const removedAt = recorded.sent.length;
    await (await worker.engine()).idle();
    await omnisend.inspect.whenIdle();

    expect(recorded.sent.slice(removedAt)).toEqual([]);
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'canceled',
      error: { code: 'connection-removed', message: 'Cancelled: connection removed' },
    });
    expect(recorded.sent.some((r) => r.key === keys[0])).toBe(true);
    expect((await ask('runs.active', {})).runs).toEqual([]);
  });
});
