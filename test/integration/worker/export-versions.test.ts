import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createWorker } from '../../../src/background/create-worker.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { MemorySource } from '../../support/memory-source.ts';
import { range, SOURCE_ID, testTiming, WINDOW_MS } from '../engine/engine-world.ts';

/**
 * Two options pages open on the same export: each loaded a version of it, and a save carries the
 * version it started from. The later save is refused with a clear message instead of undoing the
 * earlier one without a word.
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

describe('saving an export from two pages', () => {
  test('the second save of the same version is refused; after a reload it goes through', async () => {
    const source = new MemorySource();
    source.setSegment('vip', { members: range(0, 5) });
    const worker = createWorker(fakePlatform({ fetch: omnisend.fetch }), {
      engine: { timing: testTiming },
      omnisend: { windowMs: WINDOW_MS, retryPolicy: { baseDelayMs: 10, maxDelayMs: 500 } },
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
      name: 'VIP push',
      connectionId: connection.id,
      segments: [{ sourceId: SOURCE_ID, segmentId: 'vip', displayName: 'VIP', tag: 'VIP' }],
      mapping: { email: 'Email' },
      syncMode: 'mirror' as const,
      schedule: { kind: 'manual' as const },
    };
    const { id } = await ask('exports.save', { draft });

    const first = await ask('exports.get', { id });
    const second = await ask('exports.get', { id });
    await ask('exports.save', { id, version: first.version, draft: { ...draft, name: 'VIP (page one)' } });
    await expect(
      ask('exports.save', { id, version: second.version, draft: { ...draft, syncMode: 'add-only' } }),
    ).rejects.toMatchObject({ code: 'export-changed' });
    expect((await ask('exports.get', { id })).draft).toMatchObject({
      name: 'VIP (page one)',
      syncMode: 'mirror',
    });

    // A page that does not say which version it edited cannot overwrite one either.
    await expect(ask('exports.save', { id, draft })).rejects.toMatchObject({ code: 'export-changed' });

    const reloaded = await ask('exports.get', { id });
    await ask('exports.save', {
      id,
      version: reloaded.version,
      draft: { ...reloaded.draft, connectionId: connection.id, syncMode: 'add-only' },
    });
    expect((await ask('exports.get', { id })).draft).toMatchObject({
      name: 'VIP (page one)',
      syncMode: 'add-only',
    });
  });
});
