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

  test('a run started after the sign-in expired waits for it too, instead of failing as unreadable', async () => {
    world.source.setSegment('vip', { members: range(0, 300) });
    await world.saveExport({
      name: 'vip',
      segments: [{ sourceId: 'memory', segmentId: 'vip', displayName: 'VIP', tag: 'VIP' }],
    });
    // The run's first look at the source (its member counts) meets the expired sign-in.
    world.source.failListsWith(new SignInRequiredError(), 1);

    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    await worker.engine.idle();
    expect(await worker.engine.progress(runId)).toMatchObject({
      status: 'queued',
      error: null,
      waiting: { code: 'sign-in.required' },
      activity: 'waiting-for-sign-in',
    });
    expect(world.sandbox.inspect.contacts()).toEqual([]);

    await worker.engine.resume();
    const done = await runToEnd(worker, runId);
    expect(done).toMatchObject({ status: 'succeeded', waiting: null, counts: { sent: 300, tagged: 300 } });
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contacts().filter((c) => c.tags.includes('VIP'))).toHaveLength(300);
  });
});
