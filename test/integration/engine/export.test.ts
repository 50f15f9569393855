import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getLedgerEntry } from '../../../src/storage/ledger.ts';
import { createWorld, omnisendState, range, runToEnd, type Worker, type World } from './engine-world.ts';

const N = 10_000;

describe('exporting a 10,000-member segment', () => {
  let world: World;
  let worker: Worker;

  beforeAll(async () => {
    world = await createWorld({ pageSize: 500 });
    world.source.setSegment('vip', { displayName: 'VIP', members: range(0, N) });
    await world.saveExport({ name: 'vip' });
    worker = await world.startWorker();
  });

  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  test('the first run creates every member with its mapped fields and the segment tag', async () => {
    const started = Date.now();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    const run = await runToEnd(worker, runId);
    const seconds = (Date.now() - started) / 1000;
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: N, sent: N, created: N, updated: 0, tagged: N, rejected: 0 });
    expect(run.total).toBe(N);
    await world.sandbox.inspect.whenIdle();
    const contacts = world.sandbox.inspect.contacts();
    expect(contacts).toHaveLength(N);
    const sample = world.sandbox.inspect.contact('person4321@example.com');
    expect(sample).toMatchObject({
      email: 'person4321@example.com',
      firstName: world.source.row(4321).FirstName,
      lastName: world.source.row(4321).LastName,
      city: world.source.row(4321).City,
      tags: ['VIP'],
      status: 'nonSubscribed',
    });
    expect(contacts.every((c) => c.tags.length === 1 && c.tags[0] === 'VIP')).toBe(true);
    expect(world.sandbox.inspect.welcomeMessages()).toEqual([]);
    const counts = world.sandbox.inspect.requestCounts();
    expect(counts['POST /batches']?.[201]).toBe(N / 100);
    // A fresh brand: every contact is proven new, its tag goes inside its batch item (the planner).
    expect(counts['POST /contacts/tags']).toBeUndefined();
    // The floor at time scale 60: N/100/400 minutes of batches become seconds.
    const floor = N / 100 / 400;
    console.info(`first export of ${N}: ${seconds.toFixed(2)} s, API floor ${floor.toFixed(2)} s`);
  });

  test('a rerun without changes sends nothing to Omnisend', async () => {
    world.sandbox.inspect.clear();
    const runId = await worker.engine.startRun('export-vip', 'manual');
    const run = await runToEnd(worker, runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: N, sent: 0, unchanged: N, tagged: 0, untagged: 0 });
    // It only brought the brand snapshot up to date: the contact Omnisend changed last (the
    // listing's watermark), then the contacts the first run made, 250 a page.
    expect(world.sandbox.inspect.requests().map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(1 + N / 250).fill('GET /api/contacts'),
    );
  });

  test('a rerun after 1% of the members changed sends only those', async () => {
    const before = omnisendState(world.sandbox);
    for (let i = 0; i < N; i += 100) world.source.updateProfile(i, { City: `Changed ${i}` });
    world.sandbox.inspect.clear();
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({
      read: N,
      sent: N / 100,
      updated: N / 100,
      unchanged: N - N / 100,
      tagged: 0,
    });
    expect(world.sandbox.inspect.requestCounts()['POST /batches']?.[201]).toBe(1);
    await world.sandbox.inspect.whenIdle();
    const after = omnisendState(world.sandbox);
    expect(after.filter((c, i) => c.city !== before[i]?.city)).toHaveLength(N / 100);
    expect(world.sandbox.inspect.contact('person200@example.com')?.city).toBe('Changed 200');
  });

  test('a full resync sends every member again', async () => {
    world.sandbox.inspect.clear();
    const run = await runToEnd(
      worker,
      await worker.engine.startRun('export-vip', 'manual', { fullResync: true }),
    );
    expect(run.counts).toMatchObject({ read: N, sent: N, updated: N, tagged: 0 });
    const entry = await getLedgerEntry(worker.db, 'export-vip', 'person1@example.com');
    expect(entry?.tags).toEqual(['VIP']);
  });
});
