import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { type Profile, profileAt, segmentSize } from '../../sandbox/customer-insights/profiles.ts';
import { type Reply, send } from './https-client.ts';

const API = 'api.ci.ai.dynamics.com';
const PAGE_CAP = 40;

interface Page {
  '@odata.context': string;
  '@odata.count'?: number;
  value: Partial<Profile>[];
}

interface SegmentListItem {
  name: string;
  friendlyName: string;
  evaluationStatus: { jobStatus: string; evaluationDate: string; entityCount: number };
}

let sandbox: CustomerInsightsSandbox;
let accessToken: string;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({
    maxPageSize: PAGE_CAP,
    environments: [
      {
        id: '0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d',
        displayName: 'Paging test',
        segments: [
          { name: 'Small', displayName: 'Small segment', size: 237, offset: 10 },
          { name: 'Churny', displayName: 'Churny segment', size: 300, offset: 0, churnPerRefresh: 25 },
          { name: 'Shifting', displayName: 'Shifting segment', size: 200, offset: 0 },
          { name: 'Huge', displayName: 'Huge segment', size: 3_000_000, offset: 0 },
          { name: 'Empty', displayName: 'Empty segment', size: 0 },
        ],
      },
    ],
  });
});

beforeEach(() => {
  accessToken = sandbox.control.issueAccessToken();
});

afterAll(async () => {
  await sandbox.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send(sandbox.port, API, path, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      'ocp-apim-subscription-key': sandbox.subscriptionKey,
      ...headers,
    },
  });
}

function customers(query: Record<string, string>): Promise<Reply> {
  return get(`/v1/instances/${sandbox.environmentId}/data/Customer?${new URLSearchParams(query)}`);
}

function segment(name: string) {
  const found = sandbox.segments.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no segment ${name}`);
  return found;
}

/** Reads a segment the documented way: ask for more than the cap, advance by rows received. */
async function readAll(name: string, top: number): Promise<Partial<Profile>[]> {
  const rows: Partial<Profile>[] = [];
  for (;;) {
    const reply = await customers({
      $filter: `IsMemberOfSegment('${name}')`,
      $orderby: 'CustomerId',
      $top: String(top),
      $skip: String(rows.length),
    });
    expect(reply.status).toBe(200);
    const page = reply.json<Page>().value;
    expect(page.length).toBeLessThanOrEqual(Math.min(top, PAGE_CAP));
    if (page.length === 0) return rows;
    rows.push(...page);
  }
}

describe('the Customer Insights Data API sandbox', () => {
  it('refuses a call without a subscription key, and one with a wrong key, with 401', async () => {
    const missing = await send(sandbox.port, API, '/v1/instances', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(missing.status).toBe(401);
    expect(missing.json()).toMatchObject({ message: expect.stringMatching(/missing subscription key/) });
    const wrong = await get('/v1/instances', { 'ocp-apim-subscription-key': 'not-the-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ message: expect.stringMatching(/invalid subscription key/) });
  });

  it('refuses a missing, unknown or expired bearer token with 401 and a WWW-Authenticate challenge', async () => {
    const missing = await send(sandbox.port, API, '/v1/instances', {
      headers: { 'ocp-apim-subscription-key': sandbox.subscriptionKey },
    });
    expect(missing.status).toBe(401);
    expect((await get('/v1/instances', { authorization: 'Bearer forged' })).status).toBe(401);
    sandbox.control.expireAccessTokens();
    const expired = await get('/v1/instances');
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(expired.json()).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
  });

  it('lists the instances the caller may use', async () => {
    const reply = await get('/v1/instances');
    expect(reply.json()).toEqual([
      expect.objectContaining({ instanceId: sandbox.environmentId, name: 'Paging test' }),
    ]);
    expect(sandbox.environmentId).toBe('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
  });

  it("lists segments in Microsoft's SegmentMetadata shape, and only in it", async () => {
    const reply = await get(`/v1/instances/${sandbox.environmentId}/manage/segments`);
    expect(reply.status).toBe(200);
    const list = reply.json<SegmentListItem[]>();
    expect(list.map((item) => item.name)).toEqual(['Small', 'Churny', 'Shifting', 'Huge', 'Empty']);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(
      [
        'name',
        'friendlyName',
        'description',
        'state',
        'evaluationStatus',
        'version',
        'updatedUtc',
        'createdUtc',
        'instanceId',
      ].sort(),
    );
    expect(list[0]).toMatchObject({
      friendlyName: 'Small segment',
      evaluationStatus: { jobStatus: 'CompletedSuccess', entityCount: 237 },
    });
    expect(Object.keys(list[0]?.evaluationStatus ?? {}).sort()).toEqual(
      ['jobStatus', 'evaluationDate', 'entityCount', 'error', 'lastSuccessfulRunId'].sort(),
    );
    expect(Date.parse(list[0]?.evaluationStatus.evaluationDate ?? '')).toBeLessThan(Date.now());
  });

  it('answers 404 for an instance the caller cannot use', async () => {
    const reply = await get('/v1/instances/99999999-9999-4999-8999-999999999999/manage/segments');
    expect(reply.status).toBe(404);
  });

  it('returns at most the page cap whatever $top asks, and advancing $skip by rows received reads every member once', async () => {
    const rows = await readAll('Small', 100);
    const expected = Array.from({ length: segmentSize(segment('Small')) }, (_, i) =>
      profileAt(segment('Small'), i),
    );
    expect(rows).toEqual(expected);
    expect(new Set(rows.map((row) => row.CustomerId)).size).toBe(237);
  });

  it('honours a $top below the cap', async () => {
    const reply = await customers({ $filter: "IsMemberOfSegment('Small')", $top: '7', $skip: '230' });
    expect(reply.json<Page>().value.map((row) => row.CustomerId)).toEqual(
      [230, 231, 232, 233, 234, 235, 236].map((i) => profileAt(segment('Small'), i).CustomerId),
    );
  });

  it('counts the whole segment with $count=true, independent of $top and $skip', async () => {
    const reply = await customers({
      $filter: "IsMemberOfSegment('small')",
      $count: 'true',
      $top: '5',
      $skip: '100',
    });
    const page = reply.json<Page>();
    expect(page['@odata.count']).toBe(237);
    expect(page.value).toHaveLength(5);
    expect(page['@odata.context']).toBe(
      `https://api.ci.ai.dynamics.com/v1/instances/${sandbox.environmentId}/data/$metadata#Customer`,
    );
    const without = await customers({ $filter: "IsMemberOfSegment('Small')", $top: '1' });
    expect(without.json<Page>()['@odata.count']).toBeUndefined();
  });

  it('returns only the selected fields and names them in the context', async () => {
    const reply = await customers({
      $filter: "IsMemberOfSegment('Small')",
      $select: 'CustomerId,EmailAddress',
      $top: '2',
    });
    const page = reply.json<Page>();
    expect(page['@odata.context']).toMatch(/#Customer\(CustomerId,EmailAddress\)$/);
    expect(page.value).toEqual(
      [0, 1].map((i) => {
        const profile = profileAt(segment('Small'), i);
        return { CustomerId: profile.CustomerId, EmailAddress: profile.EmailAddress };
      }),
    );
  });

  it('orders by CustomerId descending on request', async () => {
    const reply = await customers({
      $filter: "IsMemberOfSegment('Small')",
      $orderby: 'CustomerId desc',
      $top: '1',
    });
    expect(reply.json<Page>().value[0]?.CustomerId).toBe(profileAt(segment('Small'), 236).CustomerId);
  });

  it('rejects unknown fields, unsupported filters and orderings, and unknown segments with 400', async () => {
    for (const query of <Record<string, string>[]>[
      { $select: 'NoSuchField' },
      { $filter: "City eq 'Berlin'" },
      { $orderby: 'City' },
      { $filter: "IsMemberOfSegment('NoSuchSegment')" },
      { $top: '-1' },
    ]) {
      const reply = await customers(query);
      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({ error: { code: 'BadRequest' } });
    }
  });

  it('serves pages deep inside a segment of millions without generating the rest', async () => {
    const started = performance.now();
    const reply = await customers({ $filter: "IsMemberOfSegment('Huge')", $skip: '2999990', $count: 'true' });
    const page = reply.json<Page>();
    expect(page['@odata.count']).toBe(3_000_000);
    expect(page.value).toHaveLength(10);
    expect(page.value[9]).toEqual(profileAt(segment('Huge'), 2_999_999));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('returns an empty page for an empty segment', async () => {
    const reply = await customers({ $filter: "IsMemberOfSegment('Empty')", $count: 'true' });
    expect(reply.json<Page>()).toMatchObject({ '@odata.count': 0, value: [] });
  });

  it('answers 429 with Retry-After for the throttled number of calls, then serves again', async () => {
    sandbox.control.throttleNext(2, 3);
    const first = await get('/v1/instances');
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect((await get('/v1/instances')).status).toBe(429);
    expect((await get('/v1/instances')).status).toBe(200);
  });

  it('answers the injected server error for the given number of calls', async () => {
    sandbox.control.failNext(1, 502);
    expect((await get('/v1/instances')).status).toBe(502);
    expect((await get('/v1/instances')).status).toBe(200);
  });

  it('on refresh moves evaluationDate forward and slides membership by the churn', async () => {
    const before = { ...segment('Churny') };
    const listed = async () =>
      (await get(`/v1/instances/${sandbox.environmentId}/manage/segments`))
        .json<SegmentListItem[]>()
        .find((item) => item.name === 'Churny');
    const lastRefreshedBefore = (await listed())?.evaluationStatus.evaluationDate ?? '';
    const after = sandbox.control.refreshSegment('Churny');
    expect(after.generation).toBe(before.generation + 1);
    expect(Date.parse((await listed())?.evaluationStatus.evaluationDate ?? '')).toBeGreaterThan(
      Date.parse(lastRefreshedBefore),
    );

    const rows = await readAll('Churny', 100);
    expect(rows).toHaveLength(300);
    expect(rows[0]).toEqual(profileAt(before, 25));
    expect(rows[299]).toEqual(profileAt(after, 299));
    const oldIds = new Set(Array.from({ length: 300 }, (_, i) => profileAt(before, i).CustomerId));
    expect(rows.filter((row) => !oldIds.has(row.CustomerId ?? ''))).toHaveLength(25);
  });

  it('can change the member count on refresh', async () => {
    sandbox.control.refreshSegment('Churny', { churn: 0, size: 120 });
    const reply = await customers({ $filter: "IsMemberOfSegment('Churny')", $count: 'true', $top: '0' });
    expect(reply.json<Page>()['@odata.count']).toBe(120);
  });

  it('lands a mid-read refresh after the threshold page, so a $skip reader misses members that shifted', async () => {
    const before = { ...segment('Shifting') };
    sandbox.control.mutateDuringRead('Shifting', { afterRows: 80, churn: 10 });
    const rows = await readAll('Shifting', 40);
    expect(rows).toHaveLength(200);
    const reads = sandbox.inspect.dataReads().filter((read) => read.segment === 'Shifting');
    expect(reads.slice(0, 2).map((read) => read.generation)).toEqual([before.generation, before.generation]);
    expect(reads[2]?.generation).toBe(before.generation + 1);
    expect(rows[80]).toEqual(profileAt(before, 90));
    const read = new Set(rows.map((row) => row.CustomerId));
    const missed = Array.from({ length: 10 }, (_, i) => profileAt(before, 80 + i).CustomerId);
    expect(missed.filter((id) => read.has(id))).toEqual([]);
  });
});
