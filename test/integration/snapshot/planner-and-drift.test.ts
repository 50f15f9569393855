import { afterEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import { createOmnisendAccess } from '../../../src/background/engine/omnisend-access.ts';
import { BrandSnapshots } from '../../../src/background/snapshot/brand-snapshots.ts';
import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { BATCHES_PER_LISTING } from '../../../src/core/run/plan-floor.ts';
import { FULL_RELIST_AFTER_MS } from '../../../src/core/snapshot/snapshot-plan.ts';
import { OmnisendClient } from '../../../src/omnisend/client.ts';
import { limitMs, requestsByClass } from '../../bench/figures.ts';
import { startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { createWorld, range, runToEnd, type World } from '../engine/engine-world.ts';

/**
 * The brand snapshot in runs (issue #16), against the sandbox at time scale 60: the planner puts
 * proven-new contacts' tags in their batch items and listings of the brand's batches settle them, a contact created elsewhere before the run keeps
 * the tags it has there, and drift found in Omnisend is repaired.
 */
let world: World;

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

const tagCalls = () => world.sandbox.inspect.requestCounts()['POST /contacts/tags']?.[202] ?? 0;
const batchCalls = () => world.sandbox.inspect.requestCounts()['POST /batches']?.[201] ?? 0;

/** A new world whose export "vip" holds the members 0 … members − 1. */
async function vipWorld(members: number, options?: Parameters<typeof createWorld>[0]): Promise<void> {
  world = await createWorld(options);
  world.source.setSegment('vip', { members: range(0, members) });
  await world.saveExport({ name: 'vip' });
}

describe('the planner', () => {
  test("a fresh brand's first 100,000: batches alone, settled by listings, in ≤ 0.45× the tag-bound time", async () => {
    const N = 100_000;
    await vipWorld(N, { pageSize: 1000 });
    const worker = await world.startWorker();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({ read: N, created: N, tagged: N, rejected: 0 });
    expect(tagCalls()).toBe(0);
    expect(batchCalls()).toBeLessThanOrEqual(N / 100);
    // Listings of the brand's batches settled them: no batch needed its items read.
    const counts = world.sandbox.inspect.requestCounts();
    expect(counts['GET /batches/{batchID}/items']).toBeUndefined();
    expect(counts['GET /batches']?.[200]).toBeLessThanOrEqual(Math.ceil(N / 100 / BATCHES_PER_LISTING) + 5);
    // The time Omnisend's published limits need for the requests the sandbox received, against
    // the tag-bound plan's: the same requests and every tag through /contacts/tags, 250 a call.
    const requests = requestsByClass(counts);
    const planned = limitMs(requests, 1);
    const tagBound = limitMs({ default: requests.default, tags: Math.ceil(N / 250) }, 1);
    expect(planned / tagBound).toBeLessThanOrEqual(0.45);
    // History records the plan and both plans' floors at the brand's limits, listings counted.
    expect(run.plan).toMatchObject({ tagsInItems: N, tagCalls: 0 });
    expect(run.plan!.plannedMs / run.plan!.tagBoundMs).toBeLessThanOrEqual(0.45);
    await world.sandbox.inspect.whenIdle();
    const contacts = world.sandbox.inspect.contacts();
    expect(contacts).toHaveLength(N);
    expect(contacts.every((c) => c.tags.length === 1 && c.tags[0] === 'VIP')).toBe(true);
  }, 120_000);

  test('when listed batches come without their items, each finished batch has its items read once', async () => {
    const sandbox = await startOmnisendSandbox({
      timeScale: 60,
      batchProcessingDelayMs: 15,
      listedBatchItems: false,
    });
    onTestFinished(() => sandbox.close());
    await vipWorld(1000, { sandbox });
    const worker = await world.startWorker();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({ read: 1000, created: 1000, tagged: 1000, rejected: 0 });
    const counts = world.sandbox.inspect.requestCounts();
    expect(counts['GET /batches/{batchID}/items']?.[200]).toBe(batchCalls());
    expect(counts['GET /batches']?.[200]).toBeGreaterThan(0);
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contacts().every((c) => c.tags.join() === 'VIP')).toBe(true);
  });

  test('a contact created elsewhere after the last snapshot keeps its tags: it goes through the tag lane', async () => {
    await vipWorld(300);
    const worker = await world.startWorker();
    // An earlier run's snapshot of the brand, from before the contact existed.
    world.source.setSegment('vip', { members: range(0, 100) });
    await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    world.sandbox.seedContact({ email: 'person150@example.com', tags: ['Foreign'] });
    world.source.setSegment('vip', { members: range(0, 300) });
    world.sandbox.inspect.clear();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({ created: 199, updated: 1, tagged: 200 });
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contact('person150@example.com')?.tags.sort()).toEqual(['Foreign', 'VIP']);
    // Only that contact needed a tag call.
    expect(tagCalls()).toBe(1);
  });

  test('a contact created elsewhere during the run, before its batch arrived, is named in History; later tags go through the tag lane', async () => {
    const N = 5000;
    await vipWorld(N, { pageSize: 500 });
    const worker = await world.startWorker();
    world.sandbox.faults.keepBatchesPending(true);
    const finished = runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    // The run listed the brand (empty) and sent its first batches, which Omnisend has not applied yet.
    await vi.waitFor(() => expect(batchCalls()).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 5 });
    world.sandbox.seedContact({ email: 'person150@example.com', tags: ['Foreign'] });
    world.sandbox.faults.keepBatchesPending(false);
    const run = await finished;
    expect(run.counts).toMatchObject({ read: N, created: N - 1, updated: 1, tagged: N, rejected: 0 });
    expect(run.overwritten).toEqual({ count: 1, emails: ['person150@example.com'] });
    // Once it met one, the run sent the tags of the contacts it read after as tag calls.
    expect(run.plan!.tagsInItems).toBeLessThan(N);
    expect(tagCalls()).toBe(Math.ceil((N - run.plan!.tagsInItems) / 250));
    await world.sandbox.inspect.whenIdle();
    // The residual window (README): the item's tags replaced the one it was given there.
    expect(world.sandbox.inspect.contact('person150@example.com')?.tags).toEqual(['VIP']);
    expect(world.sandbox.inspect.contacts().every((c) => c.tags.join() === 'VIP')).toBe(true);
  });
});

/** A worker whose clock a test may move on (`clock.shift`), after the export's first run ended. */
async function afterFirstRun() {
  const clock: Clock & { shift: number } = {
    shift: 0,
    now: () => Date.now() + clock.shift,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
  };
  const worker = await world.startWorker({ clock });
  await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
  await world.sandbox.inspect.whenIdle();
  return { clock, worker };
}

describe('drift repair', () => {
  test('contacts deleted or untagged in Omnisend are created and tagged again by the next run', async () => {
    await vipWorld(200);
    const { clock, worker } = await afterFirstRun();

    const deleted = range(0, 20).map((i) => `person${i}@example.com`);
    const untagged = range(20, 40).map((i) => `person${i}@example.com`);
    for (const email of deleted) world.sandbox.deleteContact(email);
    const client = new OmnisendClient({ apiKey: world.sandbox.apiKey, fetch: world.sandbox.fetch });
    await client.removeTags(untagged, ['VIP']);
    await world.sandbox.inspect.whenIdle();

    // Deletions show in a full listing only: the next run comes after the weekly one is due.
    clock.shift = FULL_RELIST_AFTER_MS;
    world.sandbox.inspect.clear();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.status).toBe('succeeded');
    expect(run.repairs).toEqual({ recreated: 20, retagged: 20 });
    expect(run.counts).toMatchObject({ created: 20, unchanged: 180, tagged: 40 });
    await world.sandbox.inspect.whenIdle();
    for (const email of [...deleted, ...untagged])
      expect(world.sandbox.inspect.contact(email)?.tags, email).toEqual(['VIP']);
    expect(world.sandbox.inspect.contacts().filter((c) => c.tags.includes('VIP'))).toHaveLength(200);

    // Repaired, the next run finds nothing to do (the clock back to Omnisend's: a full listing again).
    clock.shift = 0;
    const next = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(next.repairs).toBeUndefined();
    expect(next.counts).toMatchObject({ sent: 0, tagged: 0, unchanged: 200 });
  });

  test('a contact the snapshot never listed is no deletion: only a full listing after the run says so', async () => {
    world = await createWorld({ pageSize: 100 });
    world.source.setSegment('vip', { members: range(0, 300) });
    world.sandbox.seedContact({ email: 'outsider@example.com' });
    await world.saveExport({ name: 'vip' });
    const { clock, worker } = await afterFirstRun();
    // The snapshot as a preview would refresh it, outside any run.
    const access = createOmnisendAccess({
      db: worker.db,
      clock,
      fetch: world.sandbox.fetch,
      apiKeyFor: async () => world.sandbox.apiKey,
    });
    const snapshots = new BrandSnapshots({ db: worker.db, clock, omnisendFor: access.omnisendFor });
    // Ten minutes later in Omnisend, someone changes a contact; a listing reads the run's contacts
    // but passes person249 by (a page boundary, contacts written as it paged).
    const later = new Date(Date.now() + 10 * 60_000).toISOString();
    world.sandbox.seedContact({ email: 'outsider@example.com', updatedAt: later });
    await snapshots.refresh(world.connectionId);
    const [head] = await worker.db.getAll('brandSnapshots');
    await worker.db.delete('brandContacts', [head!.brandId, head!.generation, 'person249@example.com']);

    // The full listing the snapshot stands on started before the first run wrote, the ones after it
    // are incremental (the run's own reads from ten minutes later on): none shows a deletion.
    expect(head!.fullListedAt).toBeLessThan((await worker.engine.listRuns('export-vip'))[0]!.finishedAt!);
    const next = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(next.repairs).toBeUndefined();
    expect(next.counts).toMatchObject({ sent: 0, unchanged: 300 });

    // A full listing that started after the last run: person249, deleted in Omnisend, is created again.
    world.sandbox.deleteContact('person249@example.com');
    clock.shift = FULL_RELIST_AFTER_MS;
    const repaired = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(repaired.repairs).toEqual({ recreated: 1, retagged: 0 });
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contact('person249@example.com')?.tags).toEqual(['VIP']);
  });
});

describe('what a run says while it reads the brand', () => {
  test("its activity is reading Omnisend's contacts, with how many so far, until the listing ends", async () => {
    world = await createWorld();
    for (let i = 0; i < 3000; i++) world.sandbox.seedContact({ email: `other${i}@example.com` });
    world.source.setSegment('vip', { members: range(0, 10) });
    await world.saveExport({ name: 'vip' });
    const worker = await world.startWorker();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    const seen: { activity: string | null; omnisendRead?: number }[] = [];
    for (;;) {
      const [run] = await worker.engine.activeRuns();
      if (run === undefined) break;
      seen.push({
        activity: run.activity,
        ...(run.omnisendRead === undefined ? {} : { omnisendRead: run.omnisendRead }),
      });
      await systemClock.sleep(10);
    }
    const listing = seen.filter((s) => s.activity === 'reading-omnisend');
    expect(listing.some((s) => (s.omnisendRead ?? 0) >= 250)).toBe(true);
    // Counted up page by page, and said no more once the run went on to the segment.
    const counts = listing.map((s) => s.omnisendRead ?? 0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const last = seen.findLastIndex((s) => s.activity === 'reading-omnisend');
    expect(seen.slice(last + 1).every((s) => s.omnisendRead === undefined)).toBe(true);
    expect((await runToEnd(worker, runId)).status).toBe('succeeded');
  });
});
