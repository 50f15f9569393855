import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createWorld, range, runToEnd, type World } from './engine-world.ts';

let world: World;

beforeEach(async () => {
  world = await createWorld({ pageSize: 100 });
});

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

const tagged = (world: World) =>
  world.sandbox.inspect
    .contacts()
    .filter((c) => c.tags.includes('VIP'))
    .map((c) => c.email)
    .sort();

describe('a read that may have missed members', () => {
  test('takes no tags away in Mirror mode; the next complete read does', async () => {
    world.source.setSegment('vip', { displayName: 'VIP', members: range(0, 200) });
    await world.saveExport({ name: 'vip', syncMode: 'mirror' });
    const worker = await world.startWorker();
    await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    await world.sandbox.inspect.whenIdle();
    expect(tagged(world)).toHaveLength(200);

    // The segment lost 50 members, but the source could not read it consistently.
    world.source.setSegment('vip', { displayName: 'VIP', members: range(50, 200) });
    world.source.markIncomplete(true);
    const partial = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    await world.sandbox.inspect.whenIdle();
    expect(partial).toMatchObject({ status: 'succeeded', counts: { untagged: 0 } });
    expect(tagged(world)).toHaveLength(200);

    world.source.markIncomplete(false);
    const complete = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    await world.sandbox.inspect.whenIdle();
    expect(complete).toMatchObject({ status: 'succeeded', counts: { untagged: 50 } });
    expect(tagged(world)).toHaveLength(150);
  });
});
