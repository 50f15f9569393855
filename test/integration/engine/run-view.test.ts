import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExportSegment } from '../../../src/core/export-definition.ts';
import { getConnection } from '../../../src/storage/connections.ts';
import { createWorld, range, runToEnd, SOURCE_ID, type Worker, type World } from './engine-world.ts';

/** Each export its own tags: a contact carrying another export's tag already is not tagged again. */
const segment = (id: string, exportName: string): ExportSegment => ({
  sourceId: SOURCE_ID,
  segmentId: id,
  displayName: id.toUpperCase(),
  tag: `${exportName}-${id}`,
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('what a run tells the screens', () => {
  let world: World;
  let worker: Worker;

  beforeAll(async () => {
    world = await createWorld({ pageSize: 50 });
    // 50 members are in both segments.
    world.source.setSegment('a', { members: range(0, 100) });
    world.source.setSegment('b', { members: range(50, 150) });
    worker = await world.startWorker();
  });

  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  test('a contact in two segments counts once on a first run, whether its batch settled before the second segment was read or not', async () => {
    // Settled first: segment b is read only once Omnisend finished every batch of segment a.
    await world.saveExport({ name: 'settled', segments: [segment('a', 'settled'), segment('b', 'settled')] });
    const release = world.source.holdReads('b');
    const settledRun = await worker.engine.startRun('export-settled', 'manual');
    await until(
      () => worker.engine.progress(settledRun),
      (run) => (run?.counts.created ?? 0) + (run?.counts.updated ?? 0) === 100,
    );
    release();
    const settled = await runToEnd(worker, settledRun);

    // Still queued: every batch waits at Omnisend until both segments were read.
    await world.saveExport({ name: 'pending', segments: [segment('a', 'pending'), segment('b', 'pending')] });
    world.sandbox.faults.keepBatchesPending(true);
    const pendingRun = await worker.engine.startRun('export-pending', 'manual');
    await until(
      () => worker.engine.progress(pendingRun),
      (run) => run?.activity === 'waiting-for-omnisend',
    );
    world.sandbox.faults.keepBatchesPending(false);
    const pending = await runToEnd(worker, pendingRun);

    for (const run of [settled, pending]) {
      expect(run.counts).toMatchObject({ read: 200, sent: 150, unchanged: 0, duplicates: 0, tagged: 200 });
    }
  });

  test('while Omnisend holds the batches the run says so, with no time left to claim, and the bar stops short', async () => {
    await world.saveExport({ name: 'stalled', segments: [segment('a', 'stalled')] });
    world.sandbox.faults.keepBatchesPending(true);
    try {
      const runId = await worker.engine.startRun('export-stalled', 'manual');
      const waiting = await until(
        () => worker.engine.progress(runId),
        (run) => run?.activity === 'waiting-for-omnisend',
      );
      // Read and sent, not settled nor tagged: well short of done, and no estimate while nothing moves.
      expect(waiting?.percent).toBeGreaterThan(20);
      expect(waiting?.percent).toBeLessThan(70);
      expect(waiting?.stalledMinutes).toBeNull();
      expect(waiting?.etaMs).toBeNull();
    } finally {
      world.sandbox.faults.keepBatchesPending(false);
    }
  });

  test('a run marks its connection as used, and a key Omnisend refuses as its problem', async () => {
    const used = await getConnection(worker.db, world.connectionId);
    expect(used?.lastUsedAt).toEqual(expect.any(Number));
    expect(used?.problem).toBeNull();

    world.sandbox.revokeKey(world.sandbox.apiKey);
    const runId = await worker.engine.startRun('export-settled', 'manual', { fullResync: true });
    await worker.engine.idle();
    // It waits for a new key rather than failing (connection-removal.test.ts saves one).
    expect(await worker.engine.progress(runId)).toMatchObject({
      status: 'running',
      error: null,
      waiting: { code: 'omnisend.invalid-api-key' },
      activity: 'waiting-for-connection',
    });
    expect((await getConnection(worker.db, world.connectionId))?.problem).toEqual({
      code: 'omnisend.invalid-api-key',
      at: expect.any(Number),
    });
  });
});
