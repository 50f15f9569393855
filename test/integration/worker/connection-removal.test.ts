import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { createWorker } from '../../../src/background/create-worker.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import type { OmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { saveEmailListExport } from '../../support/email-list-export.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { useOmnisendSandbox } from '../../support/worker-sandbox.ts';
import { range, testTuning } from '../engine/engine-world.ts';

/**
 * Removing a connection, or replacing its key, while a run sends with it: the run is canceled
 * first — it ends as "Cancelled: …", and not one request with the old key leaves the worker
 * after the message returned. A run that Omnisend's refusal of the key stopped is the exception:
 * it waits for a new key, and goes on once one is saved.
 */

let omnisend: OmnisendSandbox;
// Two keys of one brand, so the key can be replaced by another of the same brand.
useOmnisendSandbox({ timeScale: 60, brands: [{ keys: [{}, {}] }] }, (started) => {
  omnisend = started;
  // Each answer takes a while, so a request is in flight when the connection changes.
  omnisend.faults.latency(40);
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

/** `prefix` names the run's contacts: a test whose counts start from a fresh brand uses its own. */
async function sendingWorld(prefix = 'reader') {
  const recorded = recordingFetch();
  const platform = fakePlatform({ fetch: recorded.fetch });
  const worker = createWorker(platform, testTuning);
  const ask = askAs(worker);
  const [first, second] = omnisend.brands[0]!.keys.map((k) => k.key);
  const connection = {
    displayName: 'Main brand',
    shareWith: 'administrators' as const,
    agreed: true as const,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  };
  const { connection: saved } = await ask('connections.save', { ...connection, apiKey: first! });
  const exportId = await saveEmailListExport(ask, {
    connectionId: saved.id,
    emails: range(0, 3_000).map((i) => `${prefix}${i}@example.com`),
    exportName: 'Readers push',
    syncMode: 'mirror',
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
    platform,
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
      error: { code: 'connection-removed' },
    });
    expect(recorded.sent.some((r) => r.key === keys[0])).toBe(true);
    expect((await ask('runs.active', {})).runs).toEqual([]);
  });

  test('whose key Omnisend revokes mid-run waits for a new key, says so, and ends exact once one is saved', async () => {
    const { worker, platform, ask, recorded, connection, connectionId, keys, runUntilSending } =
      await sendingWorld('revoked');
    omnisend.seedContact({ email: 'outsider@example.com', firstName: 'Untouched', tags: ['Other'] });
    const runId = await runUntilSending();
    // Someone deletes the key in Omnisend while the run sends with it.
    omnisend.revokeKey(keys[0]!);
    await expect
      .poll(async () => (await ask('runs.get', { id: runId })).run.waiting?.code, { timeout: 10_000 })
      .toBe('omnisend.invalid-api-key');
    const engine = await worker.engine();
    await engine.idle();
    const { run: waiting } = await ask('runs.get', { id: runId });
    expect(waiting).toMatchObject({
      status: 'running',
      error: null,
      activity: 'waiting-for-connection',
      waiting: { code: 'omnisend.invalid-api-key', params: { name: 'Main brand' } },
    });
    expect(waiting.counts.read).toBeLessThan(3_000);
    // "Connection needs attention" on the screens, and a notification that says what to do.
    expect((await ask('attention.list', {})).items).toEqual([
      { kind: 'connection-rejected', connectionId, name: 'Main brand', code: 'omnisend.invalid-api-key' },
    ]);
    expect(platform.notified.filter((n) => n.id === `run-${runId}`)).toEqual([
      {
        id: `run-${runId}`,
        title: 'Export “Readers push”',
        message: expect.stringContaining('Omnisend rejected the API key of the connection “Main brand”'),
      },
    ]);
    // A wake-up (watchdog, worker start) does not try the refused key again, nor notify again.
    const refusedAt = recorded.sent.length;
    await engine.resume();
    await engine.idle();
    expect(recorded.sent.length).toBe(refusedAt);
    expect(platform.notified.filter((n) => n.id === `run-${runId}`)).toHaveLength(1);

    await ask('connections.save', { ...connection, id: connectionId, apiKey: keys[1]! });
    await expect
      .poll(async () => (await ask('runs.get', { id: runId })).run.status, { timeout: 20_000 })
      .toBe('succeeded');
    await engine.idle();
    await omnisend.inspect.whenIdle();
    const { run } = await ask('runs.get', { id: runId });
    expect(run).toMatchObject({ waiting: null, error: null, counts: { read: 3_000, tagged: 3_000 } });
    expect(recorded.sent.slice(refusedAt).filter((r) => r.key === keys[0])).toEqual([]);
    // The file's earlier tests tagged other contacts "Readers" in this brand; this run's are its own.
    const readers = omnisend.inspect
      .contacts()
      .filter((c) => c.email.startsWith('revoked') && c.tags.includes('Readers'));
    expect(new Set(readers.map((c) => c.email))).toEqual(
      new Set(range(0, 3_000).map((i) => `revoked${i}@example.com`)),
    );
    expect(omnisend.inspect.contact('outsider@example.com')).toMatchObject({
      firstName: 'Untouched',
      tags: ['Other'],
    });
    expect(omnisend.inspect.welcomeMessages()).toEqual([]);
    expect((await ask('attention.list', {})).items).toEqual([]);
    expect(platform.notified.at(-1)).toMatchObject({
      id: `run-${runId}`,
      message: expect.stringContaining('Done'),
    });
  });
});
