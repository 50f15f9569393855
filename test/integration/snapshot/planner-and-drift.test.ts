import { afterEach, describe, expect, test } from 'vitest';
import { createOmnisendAccess } from '../../../src/background/engine/omnisend-access.ts';
import { BrandSnapshots } from '../../../src/background/snapshot/brand-snapshots.ts';
import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { FULL_RELIST_AFTER_MS } from '../../../src/core/snapshot/snapshot-plan.ts';
import { OmnisendClient } from '../../../src/omnisend/client.ts';
import { createWorld, range, runToEnd, type World } from '../engine/engine-world.ts';

/**
 * The brand snapshot in runs (issue #16), against the sandbox at time scale 60: the planner puts
 * proven-new contacts' tags in their batch items, a contact created elsewhere before the run keeps
 * the tags it has there, and drift found in Omnisend is repaired.
 */
let world: World;

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

const tagCalls = () => world.sandbox.inspect.requestCounts()['POST /contacts/tags']?.[202] ?? 0;
const batchCalls = () => world.sandbox.inspect.requestCounts()['POST /batches']?.[201] ?? 0;

describe('the planner', () => {
  test("a fresh brand's first export goes in batches alone: no tag calls, one batch per 100", async () => {
    const N = 5000;
    world = await createWorld({ pageSize: 500 });
    world.source.setSegment('vip', { members: range(0, N) });
    await world.saveExport({ name: 'vip' });
    const worker = await world.startWorker();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({ read: N, created: N, tagged: N, rejected: 0 });
    expect(tagCalls()).toBe(0);
    expect(batchCalls()).toBeLessThanOrEqual(N / 100);
    // History records the plan and both plans' floors at the brand's limits.
    expect(run.plan).toMatchObject({ tagsInItems: N, tagCalls: 0 });
    expect(run.plan!.plannedMs).toBeLessThan(run.plan!.tagBoundMs);
    await world.sandbox.inspect.whenIdle();
    const contacts = world.sandbox.inspect.contacts();
    expect(contacts).toHaveLength(N);
    expect(contacts.every((c) => c.tags.length === 1 && c.tags[0] === 'VIP')).toBe(true);
  });

  test('a contact created elsewhere after the last snapshot keeps its tags: it goes through the tag lane', async () => {
    world = await createWorld();
    world.source.setSegment('vip', { members: range(0, 300) });
    await world.saveExport({ name: 'vip' });
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
    world = await createWorld();
    world.source.setSegment('vip', { members: range(0, 200) });
    await world.saveExport({ name: 'vip' });
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
