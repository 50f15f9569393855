import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createWorker } from '../../../src/background/create-worker.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { MemorySource } from '../../support/memory-source.ts';
import { range, SOURCE_ID, testTuning } from '../engine/engine-world.ts';

/**
 * Taking tags back through the worker's messages, as the options page does: a save that drops a
 * segment or renames its tag, and a removal, with "remove the old tags" chosen or not; Undo of
 * the last run. Each ends with the exact tags in Omnisend.
 */

let omnisend: OmnisendSandbox;

beforeAll(async () => {
  omnisend = await startOmnisendSandbox({ timeScale: 60, batchProcessingDelayMs: 15 });
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

const tagsOf = (email: string) => [...(omnisend.inspect.contact(email)?.tags ?? [])].sort();

async function world(prefix: string) {
  const source = new MemorySource();
  source.setSegment('vip', { members: range(0, 20) });
  source.setSegment('gold', { members: range(10, 30) });
  // Each test its own contacts in the one sandbox brand.
  for (const n of range(0, 30)) source.updateProfile(n, { Email: `${prefix}${n}@example.com` });
  const worker = createWorker(fakePlatform({ fetch: omnisend.fetch }), {
    ...testTuning,
    sources: new Map([[SOURCE_ID, source]]),
  });
  const ask = askAs(worker);
  const { connection } = await ask('connections.save', {
    displayName: 'Main brand',
    shareWith: 'administrators',
    apiKey: omnisend.apiKey,
    agreed: true,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  });
  const draft = {
    name: `Push ${prefix}`,
    connectionId: connection.id,
    segments: [
      { sourceId: SOURCE_ID, segmentId: 'vip', displayName: 'VIP', tag: `${prefix}-vip` },
      { sourceId: SOURCE_ID, segmentId: 'gold', displayName: 'Gold', tag: `${prefix}-gold` },
    ],
    mapping: { email: 'Email' },
    syncMode: 'mirror' as const,
    schedule: { kind: 'manual' as const },
  };
  const { id } = await ask('exports.save', { draft });
  const settle = async () => {
    await (await worker.engine()).idle();
    await omnisend.inspect.whenIdle();
  };
  await ask('exports.run', { id });
  await settle();
  return { ask, id, draft, settle, email: (n: number) => `${prefix}${n}@example.com` };
}

describe('taking tags back through the messages', () => {
  test('a save that renames a tag and asks: the old tag goes, the new one comes with the next run', async () => {
    const { ask, id, draft, settle, email } = await world('rename');
    omnisend.seedContact({ email: 'rename-outsider@example.com', tags: ['rename-vip'] });
    expect(tagsOf(email(12))).toEqual(['rename-gold', 'rename-vip']);
    const { version } = await ask('exports.get', { id });
    const renamed = {
      ...draft,
      segments: [{ ...draft.segments[0]!, tag: 'rename-vip-2026' }, draft.segments[1]!],
    };
    await ask('exports.save', { id, version, draft: renamed, retireTags: true });
    await settle();
    const { runs } = await ask('runs.list', { exportId: id });
    expect(runs[0]).toMatchObject({ job: { kind: 'retire', tags: ['rename-vip'] }, status: 'succeeded' });
    expect(runs[0]?.counts.untagged).toBe(20);
    expect(tagsOf(email(12))).toEqual(['rename-gold']);
    expect(tagsOf('rename-outsider@example.com')).toEqual(['rename-vip']);
    await ask('exports.run', { id });
    await settle();
    expect(tagsOf(email(12))).toEqual(['rename-gold', 'rename-vip-2026']);
  });

  test('a save that drops a segment with "leave them" chosen changes nothing in Omnisend', async () => {
    const { ask, id, draft, settle, email } = await world('leave');
    const { version } = await ask('exports.get', { id });
    await ask('exports.save', { id, version, draft: { ...draft, segments: [draft.segments[1]!] } });
    await settle();
    expect((await ask('runs.list', { exportId: id })).runs.map((r) => r.job.kind)).toEqual(['export']);
    expect(tagsOf(email(5))).toEqual(['leave-vip']);
  });

  test('removing the export with its tags: every tag it gave goes, then the export is gone', async () => {
    const { ask, id, settle, email } = await world('remove');
    await ask('exports.remove', { id, retireTags: true });
    await settle();
    for (const n of range(0, 30)) expect(tagsOf(email(n)), email(n)).toEqual([]);
    expect((await ask('exports.list', {})).exports).toEqual([]);
  });

  test('Undo of the last run through the messages; an earlier run says it cannot', async () => {
    const { ask, id, settle, email } = await world('undo');
    const [first] = (await ask('runs.list', { exportId: id })).runs;
    await ask('exports.run', { id });
    await settle();
    const [second] = (await ask('runs.list', { exportId: id })).runs;
    // The second run changed nothing, the first is not the last any more.
    expect((await ask('runs.undoPlan', { id: second!.id })).plan).toEqual({
      available: false,
      reason: 'nothing-changed',
    });
    expect((await ask('runs.undoPlan', { id: first!.id })).plan).toEqual({
      available: false,
      reason: 'not-last',
    });
    await expect(ask('runs.undo', { id: first!.id })).rejects.toMatchObject({ code: 'undo-unavailable' });
    expect(tagsOf(email(15))).toEqual(['undo-gold', 'undo-vip']);
  });
});
