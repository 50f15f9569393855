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
 * What runs do while administrator is locked: a connection that allows scheduled runs while
 * locked keeps working; one that does not makes its runs wait, and they go on at the unlock.
 */

const PASSPHRASE = 'the administrators passphrase';
let omnisend: OmnisendSandbox;
useOmnisendSandbox({ timeScale: 60, batchProcessingDelayMs: 15 }, (started) => {
  omnisend = started;
});

async function lockedWorld(allowLockedRuns: boolean) {
  const worker = createWorker(fakePlatform({ fetch: omnisend.fetch }), {
    ...testTuning,
    passphraseIterations: 1_000,
  });
  const ask = askAs(worker);
  const { connection } = await ask('connections.save', {
    displayName: 'Team brand',
    shareWith: 'administrators-and-contributors',
    allowLockedRuns,
    apiKey: omnisend.apiKey,
    agreed: true,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  });
  const id = await saveEmailListExport(ask, {
    connectionId: connection.id,
    emails: range(0, 50).map((i) => `locked${i}@example.com`),
    exportName: 'Team push',
    syncMode: 'add-only',
  });
  await ask('passphrase.set', { passphrase: PASSPHRASE });
  await ask('role.lock', {});
  expect((await ask('status', {})).role).toBe('contributor');
  return { worker, ask, exportId: id };
}

describe('while administrator is locked', () => {
  test('a contributor’s run with a connection that allows it goes through', async () => {
    const { worker, ask, exportId } = await lockedWorld(true);
    const { runId } = await ask('exports.run', { id: exportId });
    await (await worker.engine()).idle();
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'succeeded',
      counts: { read: 50 },
    });
  });

  test('a run whose connection needs the passphrase waits, and goes on when an administrator unlocks', async () => {
    const { worker, ask, exportId } = await lockedWorld(false);
    const { runId } = await ask('exports.run', { id: exportId });
    await (await worker.engine()).idle();
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'queued',
      waiting: { code: 'vault-locked' },
      activity: 'waiting-for-administrator',
    });
    await ask('role.unlock', { passphrase: PASSPHRASE });
    await (await worker.engine()).idle();
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'succeeded',
      waiting: null,
      counts: { read: 50 },
    });
  });
});
