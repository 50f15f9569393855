import { IDBObjectStore } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createWorld, omnisendState, range, runToEnd, type World } from './engine-world.ts';

/**
 * The disk fills up during a run. IndexedDB refuses the write with a QuotaExceededError and
 * rolls its transaction back, so nothing is half written; the run stops as "Needs attention: the
 * browser's storage is full" with a notification, and once space is free the export runs to the
 * exact expected Omnisend state.
 */
type Put = typeof IDBObjectStore.prototype.put;
const realPut: Put = IDBObjectStore.prototype.put;
/** Stores whose writes fail; `null`: none. */
let fullFor: ((store: string) => boolean) | null = null;

beforeAll(() => {
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<Put>) {
    if (fullFor?.(this.name)) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return realPut.apply(this, args);
  } as Put;
});
afterAll(() => {
  IDBObjectStore.prototype.put = realPut;
});
afterEach(() => {
  fullFor = null;
});

describe('storage full during a run', () => {
  let world: World;
  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    expect(world.sandbox.inspect.welcomeMessages()).toEqual([]);
    await world.close();
  });

  test('a run whose checkpoints cannot be written stops as storage full; the next run completes', async () => {
    world = await createWorld({ pageSize: 50 });
    world.source.setSegment('vip', { members: range(0, 400) });
    await world.saveExport({ name: 'vip', syncMode: 'mirror' });
    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    // The ledger and the outbox cannot grow; the run record itself still can be written.
    while (((await worker.engine.progress(runId))?.counts.read ?? 0) < 100)
      await new Promise((r) => setTimeout(r, 5));
    fullFor = (store) => store !== 'runs';
    const stopped = await runToEnd(worker, runId);
    expect(stopped).toMatchObject({ status: 'failed', error: { code: 'storage-full' } });
    expect(worker.notified.at(-1)?.message).toContain('storage is full');

    fullFor = null;
    const next = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(next.status).toBe('succeeded');
    await world.sandbox.inspect.whenIdle();
    const state = omnisendState(world.sandbox);
    expect(state.map((c) => c.email).sort()).toEqual(
      range(0, 400)
        .map((n) => `person${n}@example.com`)
        .sort(),
    );
    expect(state.every((c) => c.tags.join() === 'VIP')).toBe(true);
  });

  test('when not even the failure can be recorded, the user is told, and the run resumes once space is free', async () => {
    world.source.setSegment('vip', { members: range(0, 300) });
    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    while (((await worker.engine.progress(runId))?.counts.read ?? 0) < 50)
      await new Promise((r) => setTimeout(r, 5));
    fullFor = () => true;
    await worker.engine.idle();
    expect(worker.notified.some((n) => n.id === 'storage-full')).toBe(true);
    expect((await worker.engine.progress(runId))?.status).toBe('running');

    fullFor = null;
    const done = await runToEnd(worker, runId);
    expect(done.status).toBe('succeeded');
    await world.sandbox.inspect.whenIdle();
    // Mirror: the 100 members who left lost the tag, the 300 who stayed have it, nobody else.
    const tagged = omnisendState(world.sandbox).filter((c) => c.tags.includes('VIP'));
    expect(tagged.map((c) => c.email).sort()).toEqual(
      range(0, 300)
        .map((n) => `person${n}@example.com`)
        .sort(),
    );
  });
});
