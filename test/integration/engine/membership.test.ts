import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRunProblemHandlers } from '../../../src/background/run-problem-handlers.ts';
import { createWorld, defaultMapping, range, runToEnd, type Worker, type World } from './engine-world.ts';

describe('membership, consent and rejected rows', () => {
  let world: World;
  let worker: Worker;

  beforeAll(async () => {
    world = await createWorld({ pageSize: 100 });
    world.source.setSegment('vip', { displayName: 'VIP', members: range(0, 300) });
    world.source.updateProfile(5, { Email: 'not an email' });
    world.source.updateProfile(6, { Email: '   ' });
    world.source.updateProfile(7, { Email: ' PERSON8@Example.COM' });
    world.source.updateProfile(9, { Country: 'Atlantis' });
    world.source.updateProfile(10, { Country: 'N/A' });
    world.source.updateProfile(11, { Consent: 'subscribed', ConsentAt: '2020-01-01T00:00:00Z' });
    world.sandbox.seedContact({ email: 'person10@example.com', tags: ['Newsletter'] });
    world.sandbox.seedContact({
      email: 'person11@example.com',
      status: 'unsubscribed',
      statusChangedAt: '2025-06-01T00:00:00Z',
    });
    world.sandbox.seedContact({ email: 'outsider@example.com', tags: ['VIP'] });
    await world.saveExport({
      name: 'vip',
      syncMode: 'mirror',
      mapping: {
        ...defaultMapping,
        country: 'Country',
        consent: { field: 'Consent', changedAtField: 'ConsentAt' },
      },
    });
    await world.saveExport({
      name: 'keep',
      syncMode: 'add-only',
      segments: [{ sourceId: 'memory', segmentId: 'vip', displayName: 'VIP', tag: 'Kept' }],
    });
    worker = await world.startWorker();
  });

  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  test('invalid emails are rejected rows with reasons, never sent, and duplicates merge (first row wins)', async () => {
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(run.counts).toMatchObject({ read: 300, rejected: 2, duplicates: 1, sent: 297, tagged: 297 });
    const { rows, total } = await worker.engine.rejectedRows(run.id, 0);
    expect(total).toBe(3);
    expect(rows.map(({ position, kind, field, reason }) => ({ position, kind, field, reason }))).toEqual([
      { position: 6, kind: 'row', field: 'Email', reason: expect.stringMatching(/^email-/) },
      { position: 7, kind: 'row', field: 'Email', reason: expect.stringMatching(/^email-/) },
      { position: 10, kind: 'field', field: 'Country', reason: 'country-unknown' },
    ]);
    await world.sandbox.inspect.whenIdle();
    // Row 7 carried person8's address and came first: its first name won.
    expect(world.sandbox.inspect.contact('person8@example.com')?.firstName).toBe(
      world.source.row(7).FirstName,
    );
    expect(world.sandbox.inspect.contact('person5@example.com')).toBeUndefined();
  });

  test('History groups the run: contacts not sent by reason apart from values left out', async () => {
    const runs = await worker.engine.listRuns('export-vip');
    const { groups } = await createRunProblemHandlers(worker.db)['runs.problems'](
      { id: runs[0]?.id ?? '' },
      { tabId: undefined, role: 'administrator' },
    );
    expect(groups.map(({ kind, field, reason, count }) => [kind, field, reason, count])).toEqual(
      expect.arrayContaining([
        ['row', 'Email', 'email-invalid', 1],
        ['row', 'Email', 'email-missing', 1],
        ['row', 'Email', 'email-duplicate', 1],
        ['field', 'Country', 'country-unknown', 1],
      ]),
    );
    expect(groups).toHaveLength(4);
    expect(groups.find((g) => g.kind === 'field')?.examples).toEqual([
      { position: 10, email: 'person9@example.com', value: 'Atlantis' },
    ]);
    const { rows } = await worker.engine.rejectedRows(runs[0]?.id ?? '', 0);
    expect(rows.find((r) => r.kind === 'field')).toMatchObject({ field: 'Country', value: 'Atlantis' });
  });

  test('tags others set stay, and an unsubscribe in Omnisend beats an older subscribe from the source', async () => {
    expect(world.sandbox.inspect.contact('person10@example.com')?.tags.sort()).toEqual(['Newsletter', 'VIP']);
    expect(world.sandbox.inspect.contact('person11@example.com')?.status).toBe('unsubscribed');
    expect(world.sandbox.inspect.contact('person12@example.com')?.status).toBe('nonSubscribed');
    expect(world.sandbox.inspect.welcomeMessages()).toEqual([]);
  });

  test('mirror: members who left lose our tag only, and a tag we never added is left alone', async () => {
    await runToEnd(worker, await worker.engine.startRun('export-keep', 'manual'));
    world.source.setSegment('vip', { displayName: 'VIP', members: range(12, 300) });
    const run = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    // Left: 0–11 minus the two rejected rows and row 8 (merged into row 7) = 9 tagged contacts.
    expect(run.counts).toMatchObject({ untagged: 9, sent: 0, tagged: 0 });
    await world.sandbox.inspect.whenIdle();
    expect(world.sandbox.inspect.contact('person10@example.com')?.tags.sort()).toEqual([
      'Kept',
      'Newsletter',
    ]);
    expect(world.sandbox.inspect.contact('person0@example.com')?.tags).toEqual(['Kept']);
    expect(world.sandbox.inspect.contact('person12@example.com')?.tags.sort()).toEqual(['Kept', 'VIP']);
    expect(world.sandbox.inspect.contact('outsider@example.com')?.tags).toEqual(['VIP']);
  });

  test('add only: members who left keep the tag', async () => {
    const run = await runToEnd(worker, await worker.engine.startRun('export-keep', 'manual'));
    expect(run.counts).toMatchObject({ untagged: 0, sent: 0 });
    expect(run.phase).toBe('finish');
    expect(world.sandbox.inspect.contact('person0@example.com')?.tags).toEqual(['Kept']);
  });

  test('a run of an export without a connection fails with "No connection"', async () => {
    await world.saveExport({ name: 'orphan', connectionId: null });
    const run = await runToEnd(worker, await worker.engine.startRun('export-orphan', 'manual'));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'no-connection',
      message: expect.stringContaining('No connection'),
    });
  });

  test('a source that cannot be read fails the run with a clear reason', async () => {
    await world.saveExport({
      name: 'gone',
      segments: [{ sourceId: 'removed', segmentId: 'x', displayName: 'Old', tag: 'Old' }],
    });
    const gone = await runToEnd(worker, await worker.engine.startRun('export-gone', 'manual'));
    expect(gone.error).toMatchObject({ code: 'source-missing', message: expect.stringContaining('Old') });
    world.source.failReads(10);
    const failing = await runToEnd(worker, await worker.engine.startRun('export-vip', 'manual'));
    expect(failing.status).toBe('failed');
    expect(failing.error).toMatchObject({
      code: 'source-unreadable',
      message: expect.stringContaining('VIP'),
    });
    world.source.failReads(0);
  });

  test('a second start while a run is active returns the active run', async () => {
    const first = await worker.engine.startRun('export-vip', 'manual');
    const second = await worker.engine.startRun('export-vip', 'schedule');
    expect(second).toBe(first);
    expect((await worker.engine.activeRuns()).map((r) => r.id)).toEqual([first]);
    await runToEnd(worker, first);
    expect(await worker.engine.activeRuns()).toEqual([]);
    const history = await worker.engine.listRuns('export-vip');
    expect(history[0]?.id).toBe(first);
    expect(history.every((r) => r.exportName === 'vip')).toBe(true);
  });
});
