import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerInsightsSource } from '../../../src/sources/customer-insights/customer-insights-source.ts';
import type { TokenProvider } from '../../../src/sources/customer-insights/token-provider.ts';
import {
  type CustomerInsightsSandbox,
  type SegmentState,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { PROFILE_FIELDS, profileAt, segmentSize } from '../../sandbox/customer-insights/profiles.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { readAll, recordingClock, signedInTokens, sourceFor } from './harness.ts';

// The sandbox answers at most PAGE_CAP rows whatever `$top` asks; the source asks for PAGE_SIZE.
const PAGE_CAP = 250;
const PAGE_SIZE = 1_000;

let sandbox: CustomerInsightsSandbox;
let net: SandboxFetch;
let tokens: TokenProvider;
let clock: ReturnType<typeof recordingClock>;
let source: CustomerInsightsSource;

function segment(name: string): SegmentState {
  const found = sandbox.segments.find((s) => s.name === name);
  if (!found) throw new Error(`no segment ${name}`);
  return found;
}

/** Every member's CustomerId, in CustomerId order, as the sandbox defines the segment now. */
function expectedKeys(state: SegmentState): string[] {
  return Array.from({ length: segmentSize(state) }, (_, i) => profileAt(state, i).CustomerId);
}

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({
    tokenLifetimeSeconds: 3600,
    maxPageSize: PAGE_CAP,
    environments: [
      {
        id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        displayName: 'Reading test',
        segments: [
          { name: 'Everyone_25k', displayName: 'Everyone (25k)', size: 25_000, offset: 0 },
          { name: "O'Brien_fans", displayName: 'O’Brien fans', size: 7, offset: 30 },
          { name: 'Sliding', displayName: 'Sliding', size: 1_000, offset: 0, churnPerRefresh: 10 },
          { name: 'Growing', displayName: 'Growing', size: 1_000, offset: 0 },
          { name: 'Restless', displayName: 'Restless', size: 1_000, offset: 0, churnPerRefresh: 10 },
          { name: 'Swelling', displayName: 'Swelling', size: 1_000, offset: 0 },
          { name: 'Empty', displayName: 'Empty', size: 0 },
        ],
      },
    ],
  });
  net = sandboxFetch(sandbox.port);
  clock = recordingClock();
  ({ tokens } = await signedInTokens(net.fetch, clock));
});

beforeEach(() => {
  clock.waits.length = 0;
  sandbox.inspect.clear();
  source = sourceFor(sandbox, net.fetch, clock, tokens, PAGE_SIZE);
});

afterAll(async () => {
  net.close();
  await sandbox.close();
});

describe('segments and fields', () => {
  it('lists segments by output name with display name, count and last refresh', async () => {
    const segments = await source.listSegments();
    expect(segments.map((s) => s.id)).toEqual(sandbox.segments.map((s) => s.name));
    expect(segments[0]).toEqual({
      id: 'Everyone_25k',
      displayName: 'Everyone (25k)',
      memberCount: 25_000,
      lastRefreshedAt: segment('Everyone_25k').lastRefreshed.getTime(),
    });
  });

  it('describes the fields found in the data, without OData annotations', async () => {
    const fields = await source.describeFields('Everyone_25k');
    expect([...fields].sort()).toEqual([...PROFILE_FIELDS].sort());
  });

  it('describes an empty segment by the whole Customer table', async () => {
    expect([...(await source.describeFields('Empty'))].sort()).toEqual([...PROFILE_FIELDS].sort());
  });
});

describe('reading members', () => {
  it('reads a 25,000-member segment completely, exactly once and in order, with pages capped below $top', async () => {
    const state = segment('Everyone_25k');
    const pages = await readAll(source, 'Everyone_25k', ['EmailAddress', 'FirstName']);
    const rows = pages.flatMap((page) => page.rows);

    expect(rows.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i));
    for (const i of [0, 13, 27, 41, 12_345, 24_999]) {
      const profile = profileAt(state, i);
      expect(rows[i]?.values).toEqual({
        CustomerId: profile.CustomerId,
        EmailAddress: profile.EmailAddress,
        FirstName: profile.FirstName,
      });
    }
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: false, complete: true });

    const reads = sandbox.inspect.dataReads();
    expect(reads.every((read) => read.top === PAGE_SIZE && read.returned <= PAGE_CAP)).toBe(true);
    // Pages are read a few ahead, in step with the server's cap: each once, none wasted (they may
    // arrive out of order).
    expect(reads.map((read) => read.skip).sort((a, b) => a - b)).toEqual(reads.map((_, i) => i * PAGE_CAP));
  });

  it('gathers consecutive pages into reads of rowsPerRead members, each page asked for once', async () => {
    const gathering = sourceFor(sandbox, net.fetch, clock, tokens, 100, 1_000);
    const pages = await readAll(gathering, 'Everyone_25k');
    expect(pages.map((page) => page.rows.length)).toEqual(Array.from({ length: 25 }, () => 1_000));
    const rows = pages.flatMap((page) => page.rows);
    expect(rows.map((row) => row.key)).toEqual(expectedKeys(segment('Everyone_25k')));
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i));
    const reads = sandbox.inspect.dataReads();
    expect(reads.map((read) => read.skip).sort((a, b) => a - b)).toEqual(reads.map((_, i) => i * 100));
  });

  it('ends a gathered read at a restart: the new membership starts the next read', async () => {
    const state = segment('Swelling');
    sandbox.control.mutateDuringRead('Swelling', { afterRows: 300, churn: 0, size: 1_100 });
    const gathering = sourceFor(sandbox, net.fetch, clock, tokens, 100, 1_000);
    const pages = await readAll(gathering, 'Swelling');
    const restartAt = pages.findIndex((page) => page.membershipChanged);
    expect(restartAt).toBe(0);
    expect(JSON.parse(pages[0]?.next ?? '{}')).toMatchObject({ skip: 0, pass: 1 });
    // Within a read, positions only go forward.
    for (const page of pages)
      expect(page.rows.map((row) => row.position)).toEqual(
        page.rows.map((_, i) => (page.rows[0]?.position ?? 0) + i),
      );
    const secondPass = pages.slice(1).flatMap((page) => page.rows);
    expect(secondPass.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: true });
  });

  it('loses nothing when the server caps pages at an odd size', async () => {
    const odd = await startCustomerInsightsSandbox({
      maxPageSize: 37,
      environments: [
        {
          id: '1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          displayName: 'Odd',
          segments: [{ name: 'S', displayName: 'S', size: 1_001, offset: 5 }],
        },
      ],
    });
    const oddNet = sandboxFetch(odd.port);
    try {
      const signedIn = await signedInTokens(oddNet.fetch, clock);
      const oddSource = sourceFor(odd, oddNet.fetch, clock, signedIn.tokens, 100);
      const rows = (await readAll(oddSource, 'S')).flatMap((page) => page.rows);
      expect(rows.map((row) => row.key)).toEqual(expectedKeys(odd.segments[0]!));
      expect(rows[500]?.values).toEqual(profileAt(odd.segments[0]!, 500));
    } finally {
      oddNet.close();
      await odd.close();
    }
  });

  it('escapes a quote in the output name', async () => {
    const rows = (await readAll(source, "O'Brien_fans")).flatMap((page) => page.rows);
    expect(rows.map((row) => row.key)).toEqual(expectedKeys(segment("O'Brien_fans")));
  });

  it('ends an empty segment on its first page', async () => {
    expect(await source.readMembers('Empty', null)).toEqual({
      rows: [],
      next: null,
      membershipChanged: false,
      complete: true,
    });
  });

  it('resumes from a saved cursor with the same page', async () => {
    const first = await source.readMembers('Everyone_25k', null);
    const again = await source.readMembers('Everyone_25k', first.next);
    const resumed = await sourceFor(sandbox, net.fetch, clock, tokens, PAGE_SIZE).readMembers(
      'Everyone_25k',
      first.next,
    );
    expect(resumed).toEqual(again);
    expect(again.rows[0]?.position).toBe(PAGE_CAP);
  });

  it('reads the next pages of a read that stopped again with the new read’s signal', async () => {
    const stopped = new AbortController();
    const first = await source.readMembers('Growing', null, { signal: stopped.signal });
    // The pages fetched ahead for it carry its signal: stopping it ends them.
    stopped.abort();
    const rows = [...first.rows];
    for (let cursor = first.next; cursor !== null; ) {
      const page = await source.readMembers('Growing', cursor);
      rows.push(...page.rows);
      cursor = page.next;
    }
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i));
    expect(rows).toHaveLength(segmentSize(segment('Growing')));
  });

  it('refuses a cursor it did not write', async () => {
    await expect(source.readMembers('Everyone_25k', '{"skip":-1}')).rejects.toMatchObject({
      code: 'customer-insights.invalid-cursor',
    });
  });

  it('names a segment that no longer exists', async () => {
    await expect(source.readMembers('Gone', null)).rejects.toMatchObject({
      code: 'customer-insights.segment-not-found',
    });
  });
});

describe('throttling', () => {
  it('waits what Retry-After says and then reads on without losing rows', async () => {
    // Read to the end: no page fetched ahead is left in flight to meet the next test's faults.
    const pages = await readAll(source, 'Growing', undefined, (read) => {
      if (read.length === 1) sandbox.control.throttleNext(2, 3);
    });
    expect(clock.waits).toEqual([3_000, 3_000]);
    const rows = pages.flatMap((page) => page.rows);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i));
    expect(rows).toHaveLength(segmentSize(segment('Growing')));
    const statuses = sandbox.inspect.requests().map((r) => r.status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
  });

  it('retries an unavailable Data API', async () => {
    sandbox.control.failNext(2, 503);
    const page = await source.readMembers('Everyone_25k', null);
    expect(page.rows).toHaveLength(PAGE_CAP);
    expect(clock.waits).toHaveLength(2);
  });
});

describe('members changing during the read', () => {
  it('restarts once when a refresh keeps the size, and then reads the new membership exactly', async () => {
    const state = segment('Sliding');
    const before = { ...state };
    sandbox.control.mutateDuringRead('Sliding', { afterRows: 300 });
    const pages = await readAll(source, 'Sliding');

    expect(state.generation).toBe(before.generation + 1);
    const restartAt = pages.findIndex((page) => page.membershipChanged);
    expect(restartAt).toBe(pages.length - 1 - Math.ceil(1_000 / PAGE_CAP));
    expect(pages.slice(0, restartAt).every((page) => !page.membershipChanged)).toBe(true);
    expect(JSON.parse(pages[restartAt]?.next ?? '{}')).toMatchObject({ skip: 0 });
    const secondPass = pages.slice(restartAt + 1).flatMap((page) => page.rows);
    expect(secondPass.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: true });

    // Every member of the new membership was handed out; the old ones only in the first pass.
    const seen = new Set(pages.flatMap((page) => page.rows.map((row) => row.key)));
    expect(expectedKeys(state).every((key) => seen.has(key))).toBe(true);
    expect(expectedKeys(before).filter((key) => !seen.has(key))).toEqual([]);
  });

  it('restarts as soon as the member count moves', async () => {
    const state = segment('Growing');
    sandbox.control.mutateDuringRead('Growing', { afterRows: 250, churn: 0, size: 1_100 });
    const pages = await readAll(source, 'Growing');
    const restartAt = pages.findIndex((page) => page.membershipChanged);
    // Page 1 came from the old membership; page 2 carried the new count and restarted the read.
    expect(restartAt).toBe(1);
    const secondPass = pages.slice(restartAt + 1).flatMap((page) => page.rows);
    expect(secondPass.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(secondPass).toHaveLength(1_100);
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: true });
  });

  it('does not restart twice: a second refresh ends the read marked incomplete', async () => {
    sandbox.control.mutateDuringRead('Restless', { afterRows: 300 });
    sandbox.control.mutateDuringRead('Restless', { afterRows: 1_300 });
    const pages = await readAll(source, 'Restless');
    expect(segment('Restless').generation).toBe(2);
    const restarts = pages.filter((page) => page.next !== null && JSON.parse(page.next).skip === 0);
    expect(restarts).toHaveLength(1);
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: false });
  });
});
