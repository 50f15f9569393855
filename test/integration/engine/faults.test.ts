import { afterEach, describe, expect, test } from 'vitest';
import { WATCHDOG_ALARM } from '../../../src/background/engine/engine-types.ts';
import { runRange } from '../../../src/storage/run-work.ts';
import { createWorld, range, runToEnd, type World } from './engine-world.ts';

let world: World;

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

const tagged = (tag: string) => world.sandbox.inspect.contacts().filter((c) => c.tags.includes(tag)).length;

describe('rate limits and faults', () => {
  test('two exports on one brand share its budget and never get a 429', async () => {
    world = await createWorld({ pageSize: 250 });
    world.source.setSegment('a', { members: range(0, 2000) });
    world.source.setSegment('b', { members: range(2000, 4000) });
    await world.saveExport({
      name: 'a',
      segments: [{ sourceId: 'memory', segmentId: 'a', displayName: 'A', tag: 'A' }],
    });
    await world.saveExport({
      name: 'b',
      segments: [{ sourceId: 'memory', segmentId: 'b', displayName: 'B', tag: 'B' }],
    });
    const worker = await world.startWorker();
    const [a, b] = await Promise.all([
      worker.engine.startRun('export-a', 'manual'),
      worker.engine.startRun('export-b', 'manual'),
    ]);
    const runs = await Promise.all([runToEnd(worker, a), runToEnd(worker, b)]);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(world.sandbox.inspect.count429()).toBe(0);
    expect(world.sandbox.inspect.maxRequestsInAnyWindow('tags')).toBeLessThanOrEqual(60);
    expect(world.sandbox.inspect.maxRequestsInAnyWindow('default')).toBeLessThanOrEqual(400);
    await world.sandbox.inspect.whenIdle();
    expect([tagged('A'), tagged('B')]).toEqual([2000, 2000]);
  });

  test('a 429 storm and 10% server errors slow a run down but lose nothing', async () => {
    world = await createWorld({ pageSize: 200, seed: 7 });
    world.source.setSegment('vip', { members: range(0, 1500) });
    await world.saveExport({ name: 'vip' });
    world.sandbox.faults.serverErrorRate(0.1);
    // retryAfter in real seconds: a tenth of one is six "minutes-scaled" seconds at time scale 60.
    world.sandbox.faults.rateLimitStorm(25, 0.1);
    const worker = await world.startWorker();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 1500, tagged: 1500, rejected: 0 });
    expect(world.sandbox.inspect.count429()).toBe(25);
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contactCount()).toBe(1500);
    expect(tagged('VIP')).toBe(1500);
  });

  test('dropped connections (before and after Omnisend acted), latency spikes and batches stuck pending lose nothing', async () => {
    world = await createWorld({ pageSize: 200, seed: 11 });
    world.source.setSegment('vip', { members: range(0, 800) });
    world.sandbox.seedContact({ email: 'outsider@example.com', firstName: 'Untouched', tags: ['Other'] });
    await world.saveExport({ name: 'vip', syncMode: 'mirror' });
    // Far above the 2 % of the fault matrix: a run this short makes few requests.
    world.sandbox.faults.dropConnections(0.1);
    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    // Batches wait in `pending` for a while: the run waits for Omnisend, then goes on.
    world.sandbox.faults.keepBatchesPending(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await worker.engine.progress(runId))?.status).toBe('running');
    world.sandbox.faults.keepBatchesPending(false);
    world.sandbox.faults.dropConnections(0.1, { afterEffect: true });
    world.sandbox.faults.latency(150);
    await new Promise((resolve) => setTimeout(resolve, 300));
    world.sandbox.faults.latency(0);
    const run = await runToEnd(worker, runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 800, tagged: 800, rejected: 0, untagged: 0 });
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contactCount()).toBe(801);
    expect(tagged('VIP')).toBe(800);
    expect(world.sandbox.inspect.contact('outsider@example.com')).toMatchObject({
      firstName: 'Untouched',
      tags: ['Other'],
    });
    expect(world.sandbox.inspect.welcomeMessages()).toEqual([]);
    // The faults really happened: some connections were dropped without an answer.
    const dropped = Object.values(world.sandbox.inspect.requestCounts()).reduce(
      (sum, byStatus) => sum + (byStatus[0] ?? 0),
      0,
    );
    expect(dropped).toBeGreaterThan(0);
  });

  test('cancel stops a run, leaves nothing queued, and the next run completes the export', async () => {
    world = await createWorld({ pageSize: 100 });
    world.source.setSegment('vip', { members: range(0, 1000) });
    await world.saveExport({ name: 'vip' });
    world.sandbox.faults.keepBatchesPending(true);
    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    while (((await worker.engine.progress(runId))?.counts.sent ?? 0) < 300) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await worker.engine.cancel(runId)).toBe(true);
    expect(await worker.engine.cancel(runId)).toBe(false);
    await worker.engine.idle();
    const canceled = await worker.engine.progress(runId);
    expect(canceled).toMatchObject({ status: 'canceled', error: null, etaMs: null });
    expect(canceled?.finishedAt).not.toBeNull();
    expect(await worker.db.count('runOutbox', runRange(runId))).toBe(0);
    expect(await worker.db.count('runTags', runRange(runId))).toBe(0);
    // Nothing sends any more: what a watchdog or a worker start would do resumes nothing.
    await world.sandbox.inspect.whenIdle();
    const sentBefore = world.sandbox.inspect.requestCounts()['POST /batches']?.[201] ?? 0;
    expect(worker.alarms.has(WATCHDOG_ALARM)).toBe(false);
    await worker.engine.resume();
    await worker.engine.idle();
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.requestCounts()['POST /batches']?.[201] ?? 0).toBe(sentBefore);
    expect(await worker.engine.activeRuns()).toEqual([]);

    world.sandbox.faults.keepBatchesPending(false);
    const next = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(next.status).toBe('succeeded');
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contactCount()).toBe(1000);
    expect(tagged('VIP')).toBe(1000);
  });
});
