import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataverseSource } from '../../../src/sources/customer-insights/dataverse-source.ts';
import type { TokenProvider } from '../../../src/sources/customer-insights/token-provider.ts';
import { PROFILE_COLUMNS } from '../../sandbox/customer-insights/dataverse.ts';
import {
  type CustomerInsightsSandbox,
  type SegmentState,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { profileAt, segmentSize } from '../../sandbox/customer-insights/profiles.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { dataverseEntra, dataverseSourceFor, readAll, recordingClock, signedInTokens } from './harness.ts';

const ORG = 'https://fabrikam.crm4.dynamics.com';
const BOUNDARY_SIZES = [0, 1, 6, 7, 8, 499, 500, 501, 1_000, 1_001];

let sandbox: CustomerInsightsSandbox;
let net: SandboxFetch;
let tokens: TokenProvider;
let clock: ReturnType<typeof recordingClock>;
let source: DataverseSource;

function segment(name: string): SegmentState {
  const found = sandbox.segments.find((s) => s.name === name);
  if (!found) throw new Error(`no segment ${name}`);
  return found;
}

function expectedKeys(state: SegmentState): string[] {
  return Array.from({ length: segmentSize(state) }, (_, i) => profileAt(state, i).CustomerId);
}

const keysOf = (pages: { rows: { key: string }[] }[]) =>
  pages.flatMap((page) => page.rows.map((row) => row.key));

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({
    environments: [
      {
        id: '7e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b',
        displayName: 'Dataverse reading test',
        orgHost: new URL(ORG).host,
        segments: [
          { name: 'Everyone_25k', displayName: 'Everyone (25k)', size: 25_000, offset: 0 },
          { name: "O'Brien_fans", displayName: 'O’Brien fans', size: 7, offset: 30 },
          { name: 'Sale_50', displayName: 'Sale 50', size: 5, offset: 40_000 },
          { name: 'SaleX50', displayName: 'Sale X 50', size: 9, offset: 40_100 },
          { name: 'Joining', displayName: 'Joining', size: 1_200, offset: 60_000 },
          { name: 'Restless', displayName: 'Restless', size: 1_200, offset: 70_000 },
          ...BOUNDARY_SIZES.map((size, i) => ({
            name: `Size_${size}`,
            displayName: `Size ${size}`,
            size,
            offset: 100_000 + i * 2_000,
          })),
        ],
      },
    ],
  });
  net = sandboxFetch(sandbox.port, { hosts: sandbox.hosts });
  clock = recordingClock();
  ({ tokens } = await signedInTokens(net.fetch, clock, dataverseEntra(ORG)));
});

beforeEach(() => {
  clock.waits.length = 0;
  sandbox.inspect.clear();
  source = dataverseSourceFor(ORG, net.fetch, clock, tokens);
});

afterAll(async () => {
  net.close();
  await sandbox.close();
});

describe('reading a segment through Dataverse', () => {
  it('reads a 25,000-member segment exactly once each, in membership order, with only the mapped columns', async () => {
    const state = segment('Everyone_25k');
    const fields = ['msdynci_emailaddress', 'msdynci_firstname'];
    const pages = await readAll(source, 'Everyone_25k', fields);
    const rows = pages.flatMap((page) => page.rows);

    expect(rows.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i));
    for (const i of [0, 13, 27, 41, 12_345, 24_999]) {
      const profile = profileAt(state, i);
      expect(rows[i]?.values).toEqual({
        msdynci_customerid: profile.CustomerId,
        msdynci_emailaddress: profile.EmailAddress,
        msdynci_firstname: profile.FirstName,
      });
    }
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: false, complete: true });

    const reads = sandbox.inspect.dataverseReads();
    const memberships = reads.filter((r) => r.entitySet === 'msdynci_segmentmemberships');
    const profiles = reads.filter((r) => r.entitySet === 'msdynci_customerprofiles');
    // 50 pages of 500 to read, then 5 of 5,000 to prove nothing moved; one profile batch a page.
    expect(memberships.map((r) => r.maxPageSize)).toEqual([...Array(50).fill(500), ...Array(5).fill(5_000)]);
    expect(memberships.filter((r) => !r.nextPage)).toHaveLength(2);
    expect(memberships.every((r) => r.filter === `contains(msdynci_segments,'"Everyone[_]25k"')`)).toBe(true);
    expect(profiles).toHaveLength(50);
    expect(
      profiles.every((r) => r.returned === 500 && r.select?.join(',') === `msdynci_customerid,${fields}`),
    ).toBe(true);
    const urls = sandbox.inspect.requests().map((r) => r.url);
    expect(urls.every((url) => url.length <= 32_768 && !url.includes('$skip='))).toBe(true);
  });

  it.each([1, 7, 500])(
    'reads every boundary size exactly with %i membership rows a page',
    async (pageSize) => {
      const paged = dataverseSourceFor(ORG, net.fetch, clock, tokens, pageSize);
      for (const size of BOUNDARY_SIZES.filter((n) => n <= (pageSize === 1 ? 8 : pageSize === 7 ? 501 : n))) {
        const pages = await readAll(paged, `Size_${size}`);
        expect(keysOf(pages)).toEqual(expectedKeys(segment(`Size_${size}`)));
        expect(pages.at(-1)).toMatchObject({ next: null, complete: true, membershipChanged: false });
      }
    },
  );

  it('escapes LIKE wildcards, so Sale_50 is not SaleX50', async () => {
    const pages = await readAll(source, 'Sale_50');
    expect(keysOf(pages)).toEqual(expectedKeys(segment('Sale_50')));
    expect(sandbox.inspect.dataverseReads()[0]?.filter).toBe(`contains(msdynci_segments,'"Sale[_]50"')`);
  });

  it('writes a quote in the output name twice', async () => {
    expect(keysOf(await readAll(source, "O'Brien_fans"))).toEqual(expectedKeys(segment("O'Brien_fans")));
  });

  it('resumes from a saved cursor with the same page', async () => {
    const first = await source.readMembers('Everyone_25k', null);
    const again = await source.readMembers('Everyone_25k', first.next);
    const resumed = await dataverseSourceFor(ORG, net.fetch, clock, tokens).readMembers(
      'Everyone_25k',
      first.next,
    );
    expect(resumed).toEqual(again);
    expect(again.rows[0]?.position).toBe(500);
  });

  it('fetches the next three pages while the first is handled, each with its profiles', async () => {
    await source.readMembers('Everyone_25k', null);
    await vi.waitFor(() => {
      const reads = sandbox.inspect.dataverseReads();
      expect(reads.filter((r) => r.entitySet === 'msdynci_segmentmemberships')).toHaveLength(4);
      expect(reads.filter((r) => r.entitySet === 'msdynci_customerprofiles')).toHaveLength(4);
    });
  });

  it('reads the next pages of a read that stopped again with the new read’s signal', async () => {
    const stopped = new AbortController();
    const first = await source.readMembers('Size_1001', null, { signal: stopped.signal });
    // The pages fetched ahead for it carry its signal: stopping it ends them.
    stopped.abort();
    const pages = [first];
    for (let cursor = first.next; cursor !== null; ) {
      const page = await source.readMembers('Size_1001', cursor);
      pages.push(page);
      cursor = page.next;
    }
    expect(keysOf(pages)).toEqual(expectedKeys(segment('Size_1001')));
  });

  it('counts members by verified rows, 5,000 a page, and says when it stopped early', async () => {
    expect(await source.countMembers('Everyone_25k')).toEqual({ count: 25_000, complete: true });
    expect(await source.countMembers('Everyone_25k', { maxPages: 2 })).toEqual({
      count: 10_000,
      complete: false,
    });
    expect(await source.countMembers('Sale_50')).toEqual({ count: 5, complete: true });
    expect(await source.countMembers('No_such_segment')).toEqual({ count: 0, complete: true });
  });

  it('describes the profile columns the tenant has, without Dataverse’s own columns', async () => {
    const expected = Object.keys(PROFILE_COLUMNS).sort();
    expect([...(await source.describeFields('Sale_50'))].sort()).toEqual(expected);
    expect([...(await source.describeFields('Size_0'))].sort()).toEqual(expected);
  });

  it('names a mapped column that the profiles do not have', async () => {
    await expect(source.readMembers('Sale_50', null, { fields: ['msdynci_shoesize'] })).rejects.toMatchObject(
      {
        code: 'customer-insights.invalid-request',
        message: expect.stringContaining('“msdynci_shoesize”'),
      },
    );
  });
});

describe('service protection limits', () => {
  it('waits what Retry-After says on a 429 and then reads on without losing rows', async () => {
    // Read to the end: no page fetched ahead is left in flight to meet the next test's faults.
    const pages = await readAll(source, 'Size_1001', undefined, (read) => {
      if (read.length === 1) sandbox.control.throttleDataverseNext(2, 3);
    });
    expect(clock.waits).toEqual([3_000, 3_000]);
    expect(keysOf(pages)).toEqual(expectedKeys(segment('Size_1001')));
    expect(sandbox.inspect.requests().filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('hands a wait longer than it waits inline to the engine, as a retryable error', async () => {
    sandbox.control.throttleDataverseNext(1, 300);
    await expect(source.readMembers('Sale_50', null)).rejects.toMatchObject({
      code: 'customer-insights.rate-limited',
      retryable: true,
      retryAfterMs: 300_000,
    });
    expect(clock.waits).toEqual([]);
  });
});

describe('the token’s resource', () => {
  it('refuses a token for another resource, renews it once, and then says to sign in again', async () => {
    const dataApiTokens = (await signedInTokens(net.fetch, clock)).tokens;
    const wrong = dataverseSourceFor(ORG, net.fetch, clock, dataApiTokens);
    sandbox.inspect.clear();
    await expect(wrong.readMembers('Sale_50', null)).rejects.toMatchObject({
      code: 'customer-insights.access-denied',
      message: expect.stringContaining('sign in again'),
    });
    const orgRequests = sandbox.inspect.requests().filter((r) => r.host === new URL(ORG).host);
    expect(orgRequests.map((r) => r.status)).toEqual([401, 401]);
  });
});

describe('members changing during the read', () => {
  it('notices members that joined behind the cursor, reads again once, and ends exact', async () => {
    const state = segment('Joining');
    const before = { ...state };
    // The refresh moves the segment down: new members join below the ones already read.
    sandbox.control.mutateDuringRead('Joining', { afterRows: 600, churn: -50 });
    const pages = await readAll(source, 'Joining');

    expect(state.generation).toBe(before.generation + 1);
    const restartAt = pages.findIndex((page) => page.membershipChanged);
    expect(restartAt).toBeGreaterThan(0);
    expect(JSON.parse(pages[restartAt]?.next ?? '{}')).toMatchObject({ pass: 1, phase: 'read', link: null });
    const secondPass = pages.slice(restartAt + 1).flatMap((page) => page.rows);
    expect(secondPass.map((row) => row.key)).toEqual(expectedKeys(state));
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: true });
  });

  it('does not read a third time: a second change ends the read marked incomplete', async () => {
    sandbox.control.mutateDuringRead('Restless', { afterRows: 600, churn: -10 });
    // 1,000 + 200 rows of the first pass and 1,200 of its check come first: this lands in the second pass.
    sandbox.control.mutateDuringRead('Restless', { afterRows: 2_900, churn: -10 });
    const pages = await readAll(source, 'Restless');
    expect(segment('Restless').generation).toBe(2);
    const restarts = pages.filter((page) => {
      const next = page.next === null ? null : JSON.parse(page.next);
      return next?.pass === 1 && next.phase === 'read' && next.link === null;
    });
    expect(restarts).toHaveLength(1);
    expect(pages.at(-1)).toMatchObject({ next: null, membershipChanged: true, complete: false });
  });
});
