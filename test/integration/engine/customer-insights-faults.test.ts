import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { normalizeEmail } from '../../../src/core/mapping/normalize-email.ts';
import { CustomerInsightsSource } from '../../../src/sources/customer-insights/customer-insights-source.ts';
import type { SegmentSource } from '../../../src/sources/segment-source.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { segmentMembers } from '../../sandbox/customer-insights/profiles.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { interactiveSignIn, recordingClock, signedInTokens } from '../customer-insights-source/harness.ts';
import { createWorld, runToEnd, type World } from './engine-world.ts';

/**
 * The engine reading a real Customer Insights source (the Data API over its sandbox) while the
 * sandbox misbehaves: each fault ends with the exact Omnisend state – every member with a usable
 * email present and tagged, the outsider untouched, no welcome messages – or a clear stop that the
 * next run completes.
 */

const SEGMENT = 'Loyal';
const SIZE = 600;
const TAG = 'Loyal';

let ci: CustomerInsightsSandbox;
let net: SandboxFetch;
let world: World;

beforeAll(async () => {
  ci = await startCustomerInsightsSandbox({
    maxPageSize: 100,
    environments: [
      {
        id: '7b0c1e2a-3b4f-4c6d-8e9f-0a1b2c3d4e60',
        displayName: 'Fault test',
        segments: [{ name: SEGMENT, displayName: 'Loyal customers', size: SIZE, offset: 100 }],
      },
    ],
  });
  net = sandboxFetch(ci.port);
});

afterAll(async () => {
  net.close();
  await ci.close();
});

afterEach(async () => {
  expect(world.sandbox.inspect.contractViolations()).toEqual([]);
  await world.close();
});

/** Every member with a usable email, as Omnisend keeps it. */
function expectedEmails(): string[] {
  const segment = ci.segments.find((s) => s.name === SEGMENT)!;
  const emails = new Set<string>();
  for (const profile of segmentMembers(segment)) {
    const email = normalizeEmail(profile.EmailAddress ?? '');
    if (email.ok) emails.add(email.value);
  }
  return [...emails].sort();
}

const taggedEmails = () =>
  world.sandbox.inspect
    .contacts()
    .filter((c) => c.tags.includes(TAG))
    .map((c) => c.email)
    .sort();

/** The export's Omnisend end state is exact, and nothing else was touched. */
async function expectExact() {
  await world.sandbox.inspect.whenIdle();
  expect(taggedEmails()).toEqual(expectedEmails());
  expect(world.sandbox.inspect.contactCount()).toBe(expectedEmails().length + 1);
  expect(world.sandbox.inspect.contact('outsider@example.com')).toMatchObject({ tags: ['Other'] });
  expect(world.sandbox.inspect.welcomeMessages()).toEqual([]);
}

/**
 * A world whose export reads the sandbox's segment through the real source. `afterPage` runs after
 * each page the engine read; the source's own waits are recorded and cut short (`recordingClock`),
 * and the engine's clock cuts waits of 10 s and more, so Retry-After can be checked without sleeping.
 */
async function ciWorld() {
  ci.inspect.clear();
  const sourceClock = recordingClock();
  const signedIn = await signedInTokens(net.fetch, sourceClock);
  /** A `$skip` whose member page comes back empty although `@odata.count` says more follow. */
  const cut: { skip: number | null } = { skip: null };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await net.fetch(input, init);
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (cut.skip === null || url.searchParams.get('$skip') !== String(cut.skip) || !response.ok)
      return response;
    const body = (await response.json()) as Record<string, unknown>;
    return new Response(JSON.stringify({ ...body, value: [] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const source = new CustomerInsightsSource({
    instanceId: ci.environmentId,
    subscriptionKey: ci.subscriptionKey,
    tokens: signedIn.tokens,
    fetch,
    clock: sourceClock,
    pageSize: 100,
    // Faults land after a given page: one Data API page a read.
    rowsPerRead: 1,
  });
  const hooks = { pagesRead: 0, afterPage: (_pages: number) => {} };
  const counted: SegmentSource = {
    listSegments: (options) => source.listSegments(options),
    describeFields: (segmentId, options) => source.describeFields(segmentId, options),
    async readMembers(segmentId, cursor, options) {
      const page = await source.readMembers(segmentId, cursor, options);
      hooks.afterPage(++hooks.pagesRead);
      return page;
    },
  };
  world = await createWorld({ sources: new Map([['ci', counted]]) });
  world.sandbox.seedContact({ email: 'outsider@example.com', firstName: 'Untouched', tags: ['Other'] });
  await world.saveExport({
    name: 'loyal',
    syncMode: 'mirror',
    mapping: { email: 'EmailAddress', firstName: 'FirstName', lastName: 'LastName' },
    segments: [{ sourceId: 'ci', segmentId: SEGMENT, displayName: 'Loyal customers', tag: TAG }],
  });
  const engineWaits: number[] = [];
  const engineClock: Clock = {
    now: () => systemClock.now(),
    sleep: (ms, signal) => {
      engineWaits.push(ms);
      return systemClock.sleep(ms >= 10_000 ? 10 : ms, signal);
    },
  };
  const worker = await world.startWorker({ clock: engineClock });
  return { worker, hooks, cut, tokens: signedIn.tokens, sourceClock, engineWaits };
}

describe('Customer Insights faults, through the engine', () => {
  test('a sign-in revoked mid-read makes the run wait for the user; after a new sign-in it ends exact', async () => {
    const { worker, hooks, tokens, sourceClock } = await ciWorld();
    hooks.afterPage = (pages) => {
      if (pages !== 2) return;
      // An administrator revoked the grant: the token in hand and the refresh token stop working.
      ci.control.revokeRefreshTokens();
      ci.control.expireAccessTokens();
    };
    const runId = await worker.engine.startRun('export-loyal', 'manual');
    await worker.engine.idle();
    const waiting = await worker.engine.progress(runId);
    expect(waiting).toMatchObject({
      status: 'running',
      error: null,
      waiting: { code: 'sign-in.required' },
      activity: 'waiting-for-sign-in',
    });
    expect(waiting?.counts.read).toBeLessThan(SIZE);
    // Waiting, it asks Entra no more: the next wake-up finds the same answer without a request.
    const issued = ci.inspect.tokensIssued();
    await worker.engine.resume();
    await worker.engine.idle();
    expect(await worker.engine.progress(runId)).toMatchObject({ waiting: { code: 'sign-in.required' } });
    expect(ci.inspect.tokensIssued()).toBe(issued);

    // The user signs in again (Sources › Sign in); the next wake-up goes on from where it stopped.
    hooks.afterPage = () => {};
    await tokens.accept(await interactiveSignIn(net.fetch, sourceClock));
    const done = await runToEnd(worker, runId);
    expect(done).toMatchObject({ status: 'succeeded', waiting: null, counts: { untagged: 0 } });
    expect(done.counts.tagged).toBe(expectedEmails().length);
    await expectExact();
  });

  test('a 429 is waited out as Retry-After says: inline when short, by the engine when long', async () => {
    const { worker, hooks, sourceClock, engineWaits } = await ciWorld();
    hooks.afterPage = (pages) => {
      // Short: the source waits it out itself. Long (over its 30 s inline limit): the engine does.
      if (pages === 1) ci.control.throttleNext(2, 3);
      // More than the pages read ahead can take, so the engine's own reads meet it too.
      if (pages === 3) ci.control.throttleNext(5, 90);
    };
    const run = await runToEnd(worker, await worker.engine.startRun('export-loyal', 'manual'));
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(sourceClock.waits.filter((ms) => ms === 3_000)).toHaveLength(2);
    expect(engineWaits).toContain(90_000);
    const throttled = ci.inspect.requests().filter((r) => r.status === 429);
    expect(throttled).toHaveLength(7);
    await expectExact();
  });

  test('a page that keeps failing stops the run clearly after bounded retries; the next run ends exact', async () => {
    const { worker, hooks } = await ciWorld();
    hooks.afterPage = (pages) => {
      // Far more failures than the source's and the engine's retries together.
      if (pages === 2) ci.control.failNext(1_000, 503);
    };
    const failed = await runToEnd(worker, await worker.engine.startRun('export-loyal', 'manual'));
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'source-unreadable', params: { name: 'Loyal customers' } },
      counts: { untagged: 0 },
    });
    const attempts = ci.inspect.requests().filter((r) => r.status === 503).length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(40);
    // What was read before is in Omnisend; nobody lost a tag.
    await world.sandbox.inspect.whenIdle();
    expect(taggedEmails().length).toBeGreaterThan(0);
    expect(taggedEmails().every((email) => expectedEmails().includes(email))).toBe(true);

    ci.control.failNext(0);
    hooks.afterPage = () => {};
    const next = await runToEnd(worker, await worker.engine.startRun('export-loyal', 'manual'));
    expect(next).toMatchObject({ status: 'succeeded', counts: { untagged: 0 } });
    await expectExact();
  });

  test('an empty page before @odata.count is reached: the run adds what it read and untags nobody', async () => {
    const { worker, cut } = await ciWorld();
    const first = await runToEnd(worker, await worker.engine.startRun('export-loyal', 'manual'));
    expect(first).toMatchObject({ status: 'succeeded', counts: { untagged: 0 } });
    await expectExact();

    // Half way through, the Data API hands out an empty page: the members after it were never read.
    cut.skip = SIZE / 2;
    const short = await runToEnd(
      worker,
      await worker.engine.startRun('export-loyal', 'manual', { fullResync: true }),
    );
    expect(short).toMatchObject({ status: 'succeeded', error: null, counts: { untagged: 0 } });
    expect(short.counts.read).toBeLessThan(SIZE);
    await expectExact();
  });
});
