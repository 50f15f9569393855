import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SignInRequiredError } from '../../../src/sources/customer-insights/errors.ts';
import { createWorld, range, runToEnd, type World } from './engine-world.ts';

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

describe('a source that needs the user', () => {
  test('makes a run wait instead of failing, and the run goes on once the user has acted', async () => {
    world.source.setSegment('vip', { members: range(0, 600) });
    await world.saveExport({
      name: 'vip',
      segments: [{ sourceId: 'memory', segmentId: 'vip', displayName: 'VIP', tag: 'VIP' }],
    });
    const signedOut = new SignInRequiredError();
    world.source.failReadsWith(signedOut, 1);

    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    await worker.engine.idle();
    const waiting = await worker.engine.progress(runId);
    // The code the page words as "sign in again", and the activity the screens show.
    expect(waiting).toMatchObject({
      status: 'running',
      error: null,
      waiting: { code: 'sign-in.required' },
      activity: 'waiting-for-sign-in',
    });

    // The user signs in again; the next wake-up (sign-in, watchdog or worker start) resumes.
    await worker.engine.resume();
    const done = await runToEnd(worker, runId);
    expect(done).toMatchObject({ status: 'succeeded', waiting: null, counts: { sent: 600, tagged: 600 } });
  });
});
