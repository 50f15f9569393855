import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOmnisendAccess } from '../../../src/background/engine/omnisend-access.ts';
import { previewExport } from '../../../src/background/preview/export-preview.ts';
import { BrandSnapshots } from '../../../src/background/snapshot/brand-snapshots.ts';
import { systemClock } from '../../../src/core/clock.ts';
import type { ExportDefinition } from '../../../src/core/export-definition.ts';
import type { PreviewCounts } from '../../../src/core/preview/preview-tally.ts';
import type { RunView } from '../../../src/messaging/protocol.ts';
import { createWorld, range, runToEnd, SOURCE_ID, type Worker, type World } from '../engine/engine-world.ts';

/**
 * "Preview changes" against the sandbox, then the real run: the preview's counts must be exactly
 * what the run does – on a brand that already holds some of the contacts, with rejected rows,
 * duplicates, two segments and (Mirror) leavers.
 */
describe('Preview changes counts what the following run does', () => {
  let world: World;
  let worker: Worker;
  let definition: ExportDefinition;

  function preview() {
    const access = createOmnisendAccess({
      db: worker.db,
      clock: systemClock,
      fetch: world.sandbox.fetch,
      apiKeyFor: async () => world.sandbox.apiKey,
      windowMs: 1000,
    });
    const deps = {
      db: worker.db,
      clock: systemClock,
      snapshots: new BrandSnapshots({ db: worker.db, clock: systemClock, omnisendFor: access.omnisendFor }),
      omnisendFor: access.omnisendFor,
      sourceFor: async (id: string) => (id === SOURCE_ID ? world.source : undefined),
    };
    const input = { ...definition, exportId: definition.id, connectionId: world.connectionId };
    return previewExport(deps, input, new AbortController().signal, () => undefined);
  }

  const runCounts = (run: RunView): PreviewCounts => {
    const { read, created, updated, unchanged, tagged, untagged, rejected, duplicates } = run.counts;
    return { read, created, updated, unchanged, tagged, untagged, rejected, duplicates };
  };

  beforeAll(async () => {
    world = await createWorld({ pageSize: 200 });
    world.source.setSegment('vip', { members: [...range(0, 600), 5, 6] });
    world.source.setSegment('new', { members: range(400, 900) });
    world.source.updateProfile(7, { Email: 'not an email' });
    for (const i of range(0, 300))
      world.sandbox.seedContact({ email: `person${i}@example.com`, tags: ['Foreign'] });
    world.sandbox.seedContact({ email: 'Person301@example.com' });
    definition = await world.saveExport({
      name: 'vip',
      segments: [
        { sourceId: SOURCE_ID, segmentId: 'vip', displayName: 'VIP', tag: 'VIP' },
        { sourceId: SOURCE_ID, segmentId: 'new', displayName: 'New', tag: 'New' },
      ],
    });
    worker = await world.startWorker();
  });

  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  test('on the first run: created, updated, tagged and skipped rows', async () => {
    world.sandbox.inspect.clear();
    const { summary, snapshot, plan } = await preview();
    expect(snapshot.count).toBe(301);
    // The plan: new contacts carry their tag in the batch (not person301, whose address Omnisend
    // holds in another case), the rest go through tag calls.
    expect(plan.tagsInItems).toBe(599);
    expect(plan.tagCalls).toBeLessThan(plan.tagBoundTagCalls);
    // Nothing was written to Omnisend: only reads.
    const writes = world.sandbox.inspect.requests().filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
    expect(summary.counts).toMatchObject({
      read: 1102,
      created: 600,
      updated: 299,
      duplicates: 2,
      rejected: 1,
    });
    expect(summary.skipped).toEqual([
      { reason: 'email-duplicate', count: 2 },
      { reason: 'email-invalid', count: 1 },
    ]);
    expect(summary.lists.created.map((r) => r.email)).toContain('person301@example.com');
    expect(summary.changes.length).toBeGreaterThan(0);
    expect(summary.changes[0]?.fields).toContainEqual(
      expect.objectContaining({ field: 'firstName', from: null }),
    );
    const run = await runToEnd(worker, await worker.engine.startRun(definition.id, 'manual'));
    expect(run.status).toBe('succeeded');
    expect(runCounts(run)).toEqual(summary.counts);
  });

  test('on a later run: unchanged, updated, new members and Mirror leavers', async () => {
    world.source.setSegment('vip', { members: [...range(100, 600), ...range(900, 950)] });
    for (const i of range(400, 420)) world.source.updateProfile(i, { City: `Changed ${i}` });
    const { summary } = await preview();
    expect(summary.counts.untagged).toBe(99);
    expect(summary.counts.unchanged).toBeGreaterThan(0);
    const run = await runToEnd(worker, await worker.engine.startRun(definition.id, 'manual'));
    expect(run.status).toBe('succeeded');
    expect(runCounts(run)).toEqual(summary.counts);
  });
});
