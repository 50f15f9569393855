import { afterEach, describe, expect, test } from 'vitest';
import type { ExportDefinition } from '../../../src/core/export-definition.ts';
import { getExport } from '../../../src/storage/exports.ts';
import { getLedgerHead } from '../../../src/storage/ledger.ts';
import { pruneRuns, writeRetention } from '../../../src/storage/retention.ts';
import { createWorld, range, runToEnd, SOURCE_ID, type Worker, type World } from './engine-world.ts';

/**
 * Runs that take tags back (README "Taking tags back"): retiring a tag an export stopped using,
 * and undoing an export's last run. Each ends with the exact Omnisend state expected: only what
 * the ledger proves this extension added goes, foreign tags and tags a contact had before stay.
 */

/** Every contact's tags, sorted, by email: the tag state a run or its undo is compared on. */
function tagState(world: World): Record<string, string[]> {
  const state: Record<string, string[]> = {};
  for (const contact of world.sandbox.inspect.contacts()) state[contact.email] = [...contact.tags].sort();
  return state;
}

async function settled(world: World): Promise<Record<string, string[]>> {
  await world.sandbox.inspect.whenIdle();
  return tagState(world);
}

const email = (n: number) => `person${n}@example.com`;

let world: World;
afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

/** A Mirror export of segment `vip` (members 0–299) with foreign tags around it. */
async function mirrorWorld(): Promise<{ worker: Worker; definition: ExportDefinition }> {
  world = await createWorld({ pageSize: 100 });
  world.source.setSegment('vip', { displayName: 'VIP', members: range(0, 300) });
  world.source.setSegment('new', { displayName: 'New', members: range(250, 320) });
  // A member who carried the tag before the extension (someone else's), and one outsider with it.
  world.sandbox.seedContact({ email: email(3), tags: ['VIP', 'Newsletter'] });
  world.sandbox.seedContact({ email: 'outsider@example.com', tags: ['VIP'] });
  world.sandbox.seedContact({ email: email(4), tags: ['Newsletter'] });
  const definition = await world.saveExport({ name: 'vip', syncMode: 'mirror' });
  return { worker: await world.startWorker(), definition };
}

describe('undo a run', () => {
  test('restores the tag state before the run exactly; created contacts stay and are listed', async () => {
    const { worker } = await mirrorWorld();
    const before = await settled(world);
    const first = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(first.counts).toMatchObject({ created: 298, tagged: 299 });
    // person3 had VIP already: the ledger never claims it.
    expect(tagState(world)[email(3)]).toEqual(['Newsletter', 'VIP']);

    const plan = await worker.engine.undoPlan(first.id);
    expect(plan).toMatchObject({ available: true, added: 299, removed: 0, created: 298 });
    if (!plan.available) throw new Error('undo not offered');
    expect(plan.createdEmails).toHaveLength(100);
    expect(plan.createdEmails).toContain(email(0));
    expect(plan.createdEmails).not.toContain(email(3));

    const undo = await runToEnd(worker, await worker.engine.undo(first.id));
    expect(undo).toMatchObject({ status: 'succeeded', job: { kind: 'undo', runId: first.id } });
    expect(undo.counts).toMatchObject({ untagged: 299, tagged: 0, sent: 0 });
    expect(worker.notified.at(-1)?.message).toBe('Done: a tag removed from 299 contacts, added back to 0.');
    const after = await settled(world);
    // Every contact that existed has its tags of before; those the run created stay, untagged.
    for (const [address, tags] of Object.entries(before)) expect(after[address], address).toEqual(tags);
    for (const [address, tags] of Object.entries(after))
      if (!(address in before)) expect(tags, address).toEqual([]);
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length + 298);

    // Nothing ran after the undo: the next run puts the tags back, as if the undone run had not happened.
    const again = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(again.counts).toMatchObject({ sent: 0, unchanged: 300, tagged: 299 });
  });

  test('a Mirror run: tags it removed come back, tags it added go, across a worker stopped mid-undo', async () => {
    const { worker } = await mirrorWorld();
    await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    // 50 leave, 20 join; the second run untags 49 (person3's VIP was never ours) and tags 20 (it creates those).
    world.source.setSegment('vip', { displayName: 'VIP', members: range(50, 320) });
    const before = await settled(world);
    const second = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(second.counts).toMatchObject({ untagged: 49, tagged: 20, created: 20 });

    const stopped = await world.startWorker({ soleWorker: true });
    // The undo makes two tag calls; the worker is stopped as the first goes out, before Omnisend acts.
    stopped.killAtRequest(stopped.requests() + 1, false);
    const undoId = await stopped.engine.undo(second.id);
    await stopped.whenKilled;
    const next = await world.startWorker({ soleWorker: true });
    const undo = await runToEnd(next, undoId);
    expect(undo.counts).toMatchObject({ untagged: 20, tagged: 49 });
    const after = await settled(world);
    for (const [address, tags] of Object.entries(before)) expect(after[address], address).toEqual(tags);
    void worker;
  });

  test('History kept to one run: the undone run stays until its undo ended', async () => {
    const { worker } = await mirrorWorld();
    await writeRetention(worker.db, { maxRuns: 1, maxDays: 90 });
    const first = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    const undo = await runToEnd(worker, await worker.engine.undo(first.id));
    expect(undo.counts.untagged).toBe(299);
    expect((await settled(world))[email(1)]).toEqual([]);
    // Once the undo ended, the next prune keeps the newest run only.
    await pruneRuns(worker.db, 'export-vip', Date.now());
    expect((await worker.engine.listRuns('export-vip')).map((r) => r.id)).toEqual([undo.id]);
  });

  test('is offered for the last run of an export only, and never for an undo', async () => {
    const { worker } = await mirrorWorld();
    const first = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    const second = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(await worker.engine.undoPlan(first.id)).toEqual({ available: false, reason: 'not-last' });
    expect(await worker.engine.undoPlan(second.id)).toEqual({ available: false, reason: 'nothing-changed' });
    await expect(worker.engine.undo(first.id)).rejects.toMatchObject({ code: 'undo-unavailable' });
    // An older run's changes are not kept once another started.
    expect(await worker.db.count('runChanges', IDBKeyRange.bound([first.id], [first.id, []]))).toBe(0);

    world.source.setSegment('vip', { displayName: 'VIP', members: range(0, 310) });
    const third = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    const undo = await runToEnd(worker, await worker.engine.undo(third.id));
    expect(await worker.engine.undoPlan(undo.id)).toEqual({ available: false, reason: 'not-undoable' });
    expect(await worker.engine.undoPlan(third.id)).toEqual({ available: false, reason: 'not-last' });
  });
});

describe('retire a tag', () => {
  test('a segment dropped from the export: its tag goes from the contacts the ledger proves we gave it to', async () => {
    const { worker, definition } = await mirrorWorld();
    const both: ExportDefinition = {
      ...definition,
      segments: [
        ...definition.segments,
        { sourceId: SOURCE_ID, segmentId: 'new', displayName: 'New', tag: 'Fresh' },
      ],
    };
    await world.saveExport(both);
    await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    const before = await settled(world);
    expect(before[email(260)]).toEqual(['Fresh', 'VIP']);

    // The form saved the export without "VIP" and asked to take the tag back.
    const kept = await world.saveExport({ ...both, segments: both.segments.slice(1) });
    await worker.engine.exportChanged(kept.id, false, { definition: both, tags: ['VIP'] });
    const [retire] = await worker.engine.listRuns('export-vip');
    expect(retire?.job).toEqual({ kind: 'retire', tags: ['VIP'] });
    const done = await runToEnd(worker, retire!.id);
    expect(done.counts).toMatchObject({ untagged: 299, tagged: 0, read: 0, sent: 0 });

    const after = await settled(world);
    for (const [address, tags] of Object.entries(before)) {
      // Someone else's VIP stays: the outsider's and person3's, who had it before the extension.
      const expected =
        address === 'outsider@example.com' || address === email(3) ? tags : tags.filter((t) => t !== 'VIP');
      expect(after[address], address).toEqual(expected);
    }
    // The next run of the export leaves everything as it is.
    const next = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(next.counts).toMatchObject({ tagged: 0, untagged: 0, sent: 0 });
    expect(await settled(world)).toEqual(after);
  });

  test('nothing to take back (the export never ran): no run', async () => {
    const { worker, definition } = await mirrorWorld();
    await worker.engine.exportChanged(definition.id, false, { definition, tags: ['VIP'] });
    expect(await worker.engine.listRuns('export-vip')).toEqual([]);
  });

  test('waits for a run of the export that is going on, then runs', async () => {
    const { worker, definition } = await mirrorWorld();
    const exportRun = await worker.engine.startRun('export-vip', 'manual');
    await worker.engine.exportChanged(definition.id, false, { definition, tags: ['VIP'] });
    const [retire] = await worker.engine.listRuns('export-vip');
    expect(retire?.job.kind).toBe('retire');
    const first = await runToEnd(worker, exportRun);
    expect(first.status).toBe('succeeded');
    const done = await runToEnd(worker, retire!.id);
    // It started only after the export run ended, so it took back every tag that run added.
    expect(done.startedAt).toBeGreaterThanOrEqual(first.finishedAt!);
    expect(done.counts.untagged).toBe(299);
    expect(tagState(world)['outsider@example.com']).toEqual(['VIP']);
  });

  test('the export removed: its tags go, then its ledger; a worker stopped meanwhile resumes it', async () => {
    const { worker, definition } = await mirrorWorld();
    await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    const before = await settled(world);
    await worker.db.delete('exports', definition.id);
    const stopped = await world.startWorker({ soleWorker: true });
    stopped.killAtRequest(stopped.requests() + 2, true);
    await stopped.engine.exportChanged(definition.id, true, { definition, tags: ['VIP'] });
    await stopped.whenKilled;
    const next = await world.startWorker({ soleWorker: true });
    const [retire] = await next.engine.listRuns('export-vip');
    expect(retire?.job.kind).toBe('retire');
    const done = await runToEnd(next, retire!.id);
    expect(done.status).toBe('succeeded');
    const after = await settled(world);
    for (const [address, tags] of Object.entries(before)) {
      const expected =
        address === 'outsider@example.com' || address === email(3) ? tags : tags.filter((t) => t !== 'VIP');
      expect(after[address], address).toEqual(expected);
    }
    expect(await getExport(next.db, definition.id)).toBeUndefined();
    expect(await getLedgerHead(next.db, definition.id)).toBeUndefined();
  });
});
