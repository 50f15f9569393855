import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createOmnisendAccess } from '../../../src/background/engine/omnisend-access.ts';
import { BrandSnapshots } from '../../../src/background/snapshot/brand-snapshots.ts';
import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { FULL_RELIST_AFTER_MS, UPDATED_OVERLAP_MS } from '../../../src/core/snapshot/snapshot-plan.ts';
import {
  completeListing,
  emptyHead,
  getSnapshotHead,
  lookupSnapshot,
  putSnapshotHead,
  writeSnapshotPage,
} from '../../../src/storage/brand-snapshot.ts';
import { putConnection } from '../../../src/storage/connections.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';

/**
 * The brand snapshot against the Omnisend sandbox (time scale 60). The brand's contacts were last
 * changed over the three hours before the test, ten seconds apart, so that an incremental listing
 * (which reads again the few minutes before Omnisend's newest change) reads few of them again.
 */
let sandbox: OmnisendSandbox;
let db: Database;
let urls: URL[];
let shift: number;
const clock: Clock = { now: () => Date.now() + shift, sleep: (ms, signal) => systemClock.sleep(ms, signal) };

function snapshots(signal?: AbortSignal) {
  const fetchFn: typeof fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return sandbox.fetch(input, init);
  };
  const access = createOmnisendAccess({
    db,
    clock,
    fetch: fetchFn,
    apiKeyFor: async () => sandbox.apiKey,
    windowMs: 1000,
    retryPolicy: { baseDelayMs: 10, maxDelayMs: 500 },
  });
  return { access, snapshots: new BrandSnapshots({ db, clock, omnisendFor: access.omnisendFor }) };
}

const listed = () => urls.filter((u) => u.pathname.endsWith('/contacts'));

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  sandbox = await startOmnisendSandbox({ timeScale: 60, seed: 1 });
  db = await openDatabase();
  urls = [];
  shift = 0;
  await putConnection(db, {
    id: 'c1',
    displayName: 'Sandbox',
    shareWith: 'administrators',
    brand: { id: sandbox.brandId, name: 'Sandbox' },
    keyHint: 'test',
    consent: { agreedAt: 1, statementVersion: '1' },
    createdAt: 1,
    lastUsedAt: null,
    problem: null,
  });
  for (let i = 0; i < 1000; i++)
    sandbox.seedContact({
      email: `person${i}@example.com`,
      tags: i % 2 ? ['VIP'] : [],
      status: 'subscribed',
      updatedAt: new Date(Date.now() - 3 * 3_600_000 + i * 10_000).toISOString(),
    });
});

afterEach(async () => {
  expect(sandbox.inspect.contractViolations()).toEqual([]);
  db.close();
  await sandbox.close();
});

describe('the brand snapshot', () => {
  test('the first listing reads every contact, 250 a page, into a compact record keyed by email', async () => {
    sandbox.seedContact({ email: 'Mixed.Case@Example.com', tags: ['Foreign'] });
    const head = await snapshots().snapshots.refresh('c1');
    expect(head).toMatchObject({ generation: 1, count: 1001, listing: null });
    // First the contact Omnisend changed last (its time is the watermark), then the pages.
    const [watermark, ...pages] = listed();
    expect(Object.fromEntries(watermark!.searchParams)).toEqual({
      limit: '1',
      sort: 'updatedAt',
      direction: 'desc',
    });
    expect(head?.watermark).toBe(Date.parse(sandbox.inspect.contact('Mixed.Case@Example.com')!.updatedAt));
    expect(pages).toHaveLength(5);
    expect(pages.every((u) => u.searchParams.get('limit') === '250')).toBe(true);
    const found = await lookupSnapshot(db, await getSnapshotHead(db, sandbox.brandId), [
      'person1@example.com',
      'mixed.case@example.com',
      'nobody@example.com',
    ]);
    expect(found.get('person1@example.com')).toMatchObject({
      id: sandbox.inspect.contact('person1@example.com')?.id,
      status: 'subscribed',
      tags: ['VIP'],
    });
    expect(found.get('mixed.case@example.com')).toMatchObject({
      exact: 'Mixed.Case@Example.com',
      tags: ['Foreign'],
    });
    expect(found.has('nobody@example.com')).toBe(false);
  });

  test('later listings read only what changed since, and see no deletion until the weekly full listing', async () => {
    const { access, snapshots: s } = snapshots();
    await s.refresh('c1');
    // Changed in Omnisend after the listing (seeding does not touch `updatedAt`, a tag call does).
    await (await access.omnisendFor('c1'))!.api.addTags(['person2@example.com'], ['Retagged']);
    await sandbox.inspect.whenIdle();
    urls = [];
    sandbox.seedContact({ email: 'new@example.com' });
    sandbox.deleteContact('person4@example.com');
    const head = await s.refresh('c1');
    expect(listed()).toHaveLength(2);
    expect(listed()[1]?.searchParams.get('updatedAtFrom')).not.toBeNull();
    expect(head).toMatchObject({ generation: 1, count: 1001 });
    let found = await lookupSnapshot(db, await getSnapshotHead(db, sandbox.brandId), [
      'person2@example.com',
      'new@example.com',
      'person4@example.com',
    ]);
    expect(found.get('person2@example.com')?.tags).toEqual(['Retagged']);
    expect(found.get('person4@example.com')?.tags).toEqual([]);
    expect(found.has('new@example.com')).toBe(true);
    // An incremental listing cannot see a deletion.
    expect(found.has('person4@example.com')).toBe(true);

    shift += FULL_RELIST_AFTER_MS;
    const full = await s.refresh('c1');
    expect(full).toMatchObject({ generation: 2, count: 1000 });
    found = await lookupSnapshot(db, full!, ['person4@example.com', 'new@example.com']);
    expect(found.has('person4@example.com')).toBe(false);
    expect(await db.count('brandContacts')).toBe(1000);
  });

  test.each([
    ['ahead', 1],
    ['behind', -1],
  ])("reads what changed by Omnisend's clock, whatever this machine's: hours %s", async (_, sign) => {
    shift = sign * 5 * 3_600_000;
    const { access, snapshots: s } = snapshots();
    await s.refresh('c1');
    urls = [];
    await (await access.omnisendFor('c1'))!.api.addTags(['person7@example.com'], ['Changed']);
    await sandbox.inspect.whenIdle();
    const head = await s.refresh('c1');
    const [, page] = listed();
    // From Omnisend's newest change before the listing, less the overlap: the contacts of the last
    // five minutes before it (30, ten seconds apart, and person7 since), not the whole brand.
    const from = Date.parse(page!.searchParams.get('updatedAtFrom')!);
    expect(from).toBe(
      Date.parse(sandbox.inspect.contact('person999@example.com')!.updatedAt) - UPDATED_OVERLAP_MS,
    );
    expect(listed()).toHaveLength(2);
    expect(head?.watermark).toBe(Date.parse(sandbox.inspect.contact('person7@example.com')!.updatedAt));
    const found = await lookupSnapshot(db, head!, ['person7@example.com']);
    expect(found.get('person7@example.com')?.tags).toEqual(['VIP', 'Changed']);
  });

  test('Connections sees a listing under way, then the age and size of the snapshot it made', async () => {
    const { snapshots: s } = snapshots();
    expect(await s.view(sandbox.brandId)).toEqual({ listedAt: null, count: 0, reading: null });
    const listing = s.refresh('c1');
    const during: number[] = [];
    while (listed().length < 4) {
      const { reading } = await s.view(sandbox.brandId);
      if (reading !== null) during.push(reading);
      await systemClock.sleep(2);
    }
    const head = await listing;
    expect(during.some((read) => read >= 250)).toBe(true);
    expect(await s.view(sandbox.brandId)).toEqual({ listedAt: head!.listedAt, count: 1000, reading: null });
  });

  test('a listing stopped with the worker goes on from its cursor', async () => {
    const stop = new AbortController();
    const first = snapshots(stop.signal);
    const pages = first.snapshots.refresh('c1');
    while (listed().length < 2) await systemClock.sleep(5);
    stop.abort(new Error('worker stopped'));
    await expect(pages).rejects.toThrow();
    const stored = await getSnapshotHead(db, sandbox.brandId);
    expect(stored.generation).toBe(0);
    expect(stored.listing?.after).not.toBeNull();
    const readBefore = stored.listing!.read;
    urls = [];
    const head = await snapshots().snapshots.refresh('c1');
    expect(head).toMatchObject({ generation: 1, count: 1000 });
    expect(listed()[0]?.searchParams.get('after')).toBe(stored.listing!.after);
    expect(listed()).toHaveLength(4 - readBefore / 250);
  });

  test('while runs wait for the brand budget, a listing takes at most one request in four', async () => {
    for (let i = 1000; i < 2500; i++) sandbox.seedContact({ email: `person${i}@example.com` });
    const { access, snapshots: s } = snapshots();
    const run = await access.omnisendFor('c1');
    // A run keeps a few requests waiting for the budget all the time (its lanes); here six lanes of 200.
    const lane = async () => {
      for (let i = 0; i < 200; i++) await run!.api.getBrand();
    };
    const runCalls = Array.from({ length: 6 }, lane);
    const head = await s.refresh('c1');
    await Promise.all(runCalls);
    expect(head?.count).toBe(2500);
    const order = urls.map((u) => (u.pathname.endsWith('/contacts') ? 'list' : 'run'));
    const lastRun = order.lastIndexOf('run');
    const listingWhileBusy = order.flatMap((kind, i) => (kind === 'list' && i < lastRun ? [i] : []));
    expect(listingWhileBusy.length).toBeGreaterThan(1);
    // It gets on, but takes no more than its share of the requests sent while the run went on.
    expect(listingWhileBusy.length).toBeLessThanOrEqual(Math.ceil((lastRun + 1) / 4));
  });
  test('a snapshot that listed nobody answers without reading; one being listed into is still read', async () => {
    const brandId = 'empty-brand';
    const listing = {
      mode: 'full' as const,
      generation: 1,
      after: null,
      startedAt: 1,
      updatedAtFrom: null,
      watermark: null,
      read: 0,
    };
    await putSnapshotHead(db, { ...emptyHead(brandId), listing });
    const empty = await completeListing(db, brandId, listing);
    expect(empty).toMatchObject({ generation: 1, count: 0, listing: null });
    expect(await lookupSnapshot(db, empty, ['a@example.com'])).toEqual(new Map());

    // An incremental listing writes into the current generation before its head counts the contact.
    const incremental = { ...listing, mode: 'incremental' as const, startedAt: 2, updatedAtFrom: 1 };
    await putSnapshotHead(db, { ...empty, listing: incremental });
    const contact = { email: 'a@example.com', id: 'x1', status: 'subscribed', tags: ['VIP'], updatedAt: 2 };
    await writeSnapshotPage(db, brandId, incremental, [contact]);
    const listingHead = await getSnapshotHead(db, brandId);
    expect(listingHead).toMatchObject({ count: 0, listing: { mode: 'incremental' } });
    expect((await lookupSnapshot(db, listingHead, ['a@example.com'])).get('a@example.com')?.tags).toEqual([
      'VIP',
    ]);
  });
});
