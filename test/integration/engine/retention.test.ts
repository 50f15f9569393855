import { afterAll, describe, expect, test, vi } from 'vitest';
import { systemClock } from '../../../src/core/clock.ts';
import { beginFileUpload, getFileSource, writeFileRowsPage } from '../../../src/storage/file-sources.ts';
import { writeRetention } from '../../../src/storage/retention.ts';
import { runRange } from '../../../src/storage/run-work.ts';
import { createWorld, range, runToEnd, type Worker, type World } from './engine-world.ts';

/**
 * History does not grow for ever: runs beyond the retention setting go with their batch logs and
 * rejected rows (which hold emails), a removed export takes its runs with it, and what a worker
 * start finds left behind (runs of exports removed earlier, uploads abandoned by a closed tab) is
 * swept away.
 */
const RUN_STORES = ['runOutbox', 'runBatches', 'runTags', 'runRejected'] as const;

async function leftOf(worker: Worker, runId: string): Promise<number> {
  const counts = await Promise.all(RUN_STORES.map((store) => worker.db.count(store, runRange(runId))));
  return counts.reduce((a, b) => a + b, 0) + (await worker.db.count('runs', runId));
}

describe('retention', () => {
  let world: World;
  afterAll(async () => {
    await world.close();
  });

  test('keeps the newest runs of an export as runs come, with everything kept for the runs it lets go', async () => {
    world = await createWorld({ pageSize: 50 });
    world.source.setSegment('vip', { members: range(0, 60) });
    world.source.updateProfile(3, { Email: 'not an email' });
    await world.saveExport({ name: 'vip' });
    const worker = await world.startWorker();
    await writeRetention(worker.db, { maxRuns: 1, maxDays: 90 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual', { fullResync: true })))
          .id,
      );
    }
    expect((await worker.engine.listRuns('export-vip')).map((run) => run.id)).toEqual([ids[2]]);
    expect(await leftOf(worker, ids[0]!)).toBe(0);
    expect(await leftOf(worker, ids[1]!)).toBe(0);
    // The kept runs still have their batch log and their rejected row.
    expect(await worker.db.count('runRejected', runRange(ids[2]!))).toBe(1);
    expect(await worker.db.count('runBatches', runRange(ids[2]!))).toBeGreaterThan(0);
  });

  test('a removed export takes its runs, batch logs and rejected rows with it', async () => {
    const worker = await world.startWorker();
    const runs = await worker.engine.listRuns('export-vip');
    expect(runs).toHaveLength(1);
    await worker.db.delete('exports', 'export-vip');
    await worker.engine.exportChanged('export-vip', true);
    expect(await worker.engine.listRuns('export-vip')).toEqual([]);
    for (const run of runs) expect(await leftOf(worker, run.id)).toBe(0);
  });

  test('a worker start sweeps runs of exports removed before, old runs and abandoned uploads', async () => {
    world.source.setSegment('old', { members: range(0, 10) });
    await world.saveExport({
      name: 'old',
      segments: [{ sourceId: 'memory', segmentId: 'old', displayName: 'Old', tag: 'Old' }],
    });
    await world.saveExport({
      name: 'gone',
      segments: [{ sourceId: 'memory', segmentId: 'old', displayName: 'Old', tag: 'Gone' }],
    });
    const first = await world.startWorker();
    const oldRun = await runToEnd(first, await first.engine.startRun('export-old', 'manual'));
    const goneRun = await runToEnd(first, await first.engine.startRun('export-gone', 'manual'));
    // Removed by a version that kept its runs.
    await first.db.delete('exports', 'export-gone');
    const now = Date.now();
    const later = 2 * 86_400_000;
    await beginFileUpload(first.db, {
      id: 'f-new',
      name: 'New',
      fileName: 'new.csv',
      encoding: 'utf-8',
      replace: false,
      now: now - 2 * 3_600_000,
    });
    await writeFileRowsPage(first.db, 'f-new', 1, {
      page: 0,
      fields: ['Email'],
      rows: [{ line: 2, values: { Email: 'a@example.com' } }],
      errors: [],
      unreadableLines: [],
      now: now - 2 * 3_600_000,
    });
    await beginFileUpload(first.db, {
      id: 'f-live',
      name: 'Live',
      fileName: 'live.csv',
      encoding: 'utf-8',
      replace: false,
      now: now + later - 600_000,
    });
    await writeRetention(first.db, { maxRuns: 50, maxDays: 1 });
    first.kill();

    const next = await world.startWorker({
      clock: { now: () => systemClock.now() + later, sleep: systemClock.sleep },
    });
    await next.catchUp();
    expect(await leftOf(next, goneRun.id)).toBe(0);
    expect(await leftOf(next, oldRun.id)).toBe(0);
    expect(await getFileSource(next.db, 'f-new')).toBeUndefined();
    expect(await next.db.count('fileRows')).toBe(0);
    // Ten minutes ago by the worker's clock: an upload that may still be going on stays.
    expect(await getFileSource(next.db, 'f-live')).toMatchObject({ upload: { name: 'Live' } });
  });
});

describe('pruning reads one export at a time', () => {
  test('a changed setting and a worker start prune every export without reading the whole history', async () => {
    const local = await createWorld({ pageSize: 50 });
    try {
      local.source.setSegment('vip', { members: range(0, 5) });
      for (const name of ['a', 'b', 'c']) await local.saveExport({ name });
      const worker = await local.startWorker();
      for (const name of ['a', 'b', 'c'])
        for (let i = 0; i < 2; i++)
          await runToEnd(
            worker,
            await worker.engine.startRun(`export-${name}`, 'manual', { fullResync: true }),
          );
      // Runs of an export removed by a version that kept them: the worker start sweeps them.
      await worker.db.delete('exports', 'export-c');
      // Reading the whole `runs` store would be a getAll or a cursor on the store itself.
      const wholeStore = [
        vi.spyOn(IDBObjectStore.prototype, 'getAll'),
        vi.spyOn(IDBObjectStore.prototype, 'openCursor'),
      ];
      try {
        expect(await worker.ask('runs.setRetention', { retention: { maxRuns: 1, maxDays: 90 } })).toEqual({
          accepted: true,
        });
        await worker.catchUp();
        const scans = wholeStore.flatMap((spy) =>
          spy.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'runs'),
        );
        expect(scans).toEqual([]);
      } finally {
        for (const spy of wholeStore) spy.mockRestore();
      }
      expect((await worker.engine.listRuns('export-a')).length).toBe(1);
      expect((await worker.engine.listRuns('export-b')).length).toBe(1);
      expect(await worker.engine.listRuns('export-c')).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
