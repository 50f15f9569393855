import { describe, expect, it } from 'vitest';
import { DataApiClient } from '../../../../src/sources/customer-insights/data-api-client.ts';
import { CustomerInsightsError } from '../../../../src/sources/customer-insights/errors.ts';
import type { AccessTokens } from '../../../../src/sources/customer-insights/token-provider.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { fakeFetch, json, type SeenRequest } from '../../../support/fake-fetch.ts';

const KEY = 'subscription-key-secret';
const INSTANCE = '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92';

/** Tokens `t1`, `t2`, … – a renewal hands out the next one. */
function fakeTokens(): AccessTokens & { renewals: number } {
  let current = 1;
  return {
    renewals: 0,
    accessToken: async () => `t${current}`,
    async renew(rejected) {
      if (rejected === `t${current}`) {
        current++;
        this.renewals++;
      }
      return `t${current}`;
    },
  };
}

function client(handler: (request: SeenRequest) => Response | Promise<Response>) {
  const server = fakeFetch(handler);
  const clock = new FakeClock();
  const tokens = fakeTokens();
  const api = new DataApiClient({
    subscriptionKey: KEY,
    tokens,
    fetch: server.fetch,
    clock,
    random: () => 0.5,
  });
  return { api, clock, tokens, requests: server.requests };
}

async function failure(promise: Promise<unknown>): Promise<CustomerInsightsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CustomerInsightsError);
    const typed = error as CustomerInsightsError;
    expect(typed.message).not.toContain(KEY);
    return typed;
  }
  throw new Error('expected a failure');
}

const page = (rows: Record<string, unknown>[], count?: number) => ({
  '@odata.context': 'https://api.ci.ai.dynamics.com/v1/instances/x/data/$metadata#Customer',
  ...(count === undefined ? {} : { '@odata.count': count }),
  value: rows,
});

describe('reading customers', () => {
  it('sends the token and key and asks OData for a stable page of one segment', async () => {
    const { api, requests } = client(() => json(200, page([{ CustomerId: 'c1', EmailAddress: 'a@b.c' }], 7)));
    const result = await api.readCustomers(INSTANCE, {
      segmentName: "O'Brien_fans",
      select: ['EmailAddress', 'CustomerId', 'FirstName'],
      top: 100,
      skip: 200,
      count: true,
    });
    expect(result).toEqual({ rows: [{ CustomerId: 'c1', EmailAddress: 'a@b.c' }], count: 7 });
    const [request] = requests;
    expect(request?.headers.get('authorization')).toBe('Bearer t1');
    expect(request?.headers.get('ocp-apim-subscription-key')).toBe(KEY);
    expect(request?.url.pathname).toBe(`/v1/instances/${INSTANCE}/data/Customer`);
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      $filter: "IsMemberOfSegment('O''Brien_fans')",
      $select: 'CustomerId,EmailAddress,FirstName',
      $orderby: 'CustomerId',
      $top: '100',
      $skip: '200',
      $count: 'true',
    });
    expect(request?.url.search).toContain('$filter=IsMemberOfSegment');
  });

  it('refuses a field name that would change the query, before any request', async () => {
    const { api, requests } = client(() => json(200, page([])));
    const error = await failure(
      api.readCustomers(INSTANCE, { segmentName: 's', select: ['EmailAddress,Secret'], top: 1, skip: 0 }),
    );
    expect(error.code).toBe('customer-insights.invalid-request');
    expect(requests).toHaveLength(0);
  });

  it('refuses an answer that is not an OData page', async () => {
    const { api } = client(() => json(200, { rows: [] }));
    const error = await failure(api.readCustomers(INSTANCE, { segmentName: null, top: 1, skip: 0 }));
    expect(error).toMatchObject({ code: 'customer-insights.unexpected-response', retryable: false });
  });

  it('refuses a page whose profiles are not all objects', async () => {
    for (const bad of [null, 'c1', ['c1'], 7]) {
      const { api } = client(() => json(200, { value: [{ CustomerId: 'c0' }, bad] }));
      const error = await failure(api.readCustomers(INSTANCE, { segmentName: null, top: 2, skip: 0 }));
      expect(error).toMatchObject({ code: 'customer-insights.unexpected-response', retryable: false });
    }
  });
});

describe('listing', () => {
  it("reads Microsoft's SegmentMetadata: friendlyName, evaluationStatus.entityCount and evaluationDate", async () => {
    const answers = [
      [
        {
          name: 'Male_under_40',
          friendlyName: 'Male under 40',
          description: 'Customers who identify as male and are younger than 40.',
          state: 'active',
          evaluationStatus: {
            jobStatus: 'CompletedSuccess',
            evaluationDate: '2026-03-14T10:00:00.000Z',
            entityCount: 1200,
            error: null,
            lastSuccessfulRunId: '6f1c6d3e-2f43-4a1e-9d0b-1b0f5c7a9e21',
          },
          version: 3,
          updatedUtc: '2026-03-14T10:00:01.000Z',
          createdUtc: '2026-01-02T08:00:00.000Z',
          instanceId: INSTANCE,
          somethingNew: { nested: true },
        },
      ],
      { value: [{ name: 'Bare', friendlyName: 'Bare one', evaluationStatus: { entityCount: null } }] },
      [{ name: 'No_friendly_name' }],
    ];
    const { api } = client(() => json(200, answers.shift()));
    expect(await api.listSegments(INSTANCE)).toEqual([
      {
        name: 'Male_under_40',
        displayName: 'Male under 40',
        memberCount: 1200,
        lastRefreshedAt: Date.parse('2026-03-14T10:00:00.000Z'),
        version: 3,
      },
    ]);
    expect(await api.listSegments(INSTANCE)).toEqual([
      { name: 'Bare', displayName: 'Bare one', memberCount: null, lastRefreshedAt: null, version: null },
    ]);
    expect(await api.listSegments(INSTANCE)).toEqual([
      {
        name: 'No_friendly_name',
        displayName: 'No_friendly_name',
        memberCount: null,
        lastRefreshedAt: null,
        version: null,
      },
    ]);
  });

  it('reports no refresh time while a refresh is queued or running, or after it failed', async () => {
    const segment = (jobStatus: string) => [
      {
        name: 'S',
        friendlyName: 'S',
        evaluationStatus: { jobStatus, evaluationDate: '2026-03-14T10:00:00.000Z', entityCount: 5 },
      },
    ];
    const statuses = ['Queued', 'Running', 'CompletedFailure', 'Cancelled', 'CompletedSuccess'];
    const answers = statuses.map(segment);
    const { api } = client(() => json(200, answers.shift()));
    const seen = [];
    for (const _ of statuses) seen.push((await api.listSegments(INSTANCE))[0]?.lastRefreshedAt);
    expect(seen).toEqual([null, null, null, null, Date.parse('2026-03-14T10:00:00.000Z')]);
  });

  it('lists the environments the user may read', async () => {
    const { api, requests } = client(() =>
      json(200, [{ instanceId: INSTANCE, name: 'Contoso', provisioningState: 'Succeeded' }]),
    );
    expect(await api.listInstances()).toEqual([{ instanceId: INSTANCE, name: 'Contoso' }]);
    expect(requests[0]?.url.toString()).toBe('https://api.ci.ai.dynamics.com/v1/instances');
  });
});

describe('throttling and outages', () => {
  it('waits what Retry-After says after a 429 and then succeeds', async () => {
    const answers = [json(429, { statusCode: 429 }, { 'retry-after': '7' }), json(200, [])];
    const { api, clock, requests } = client(() => answers.shift() ?? json(500, {}));
    const started = clock.now();
    await clock.run(api.listInstances());
    expect(requests).toHaveLength(2);
    expect(clock.now() - started).toBe(7_000);
  });

  it('honours an HTTP-date Retry-After on a 503', async () => {
    const clock = new FakeClock(Date.parse('2026-03-15T12:00:00Z'));
    const answers = [json(503, {}, { 'retry-after': 'Sun, 15 Mar 2026 12:00:04 GMT' }), json(200, [])];
    const server = fakeFetch(() => answers.shift() ?? json(500, {}));
    const api = new DataApiClient({ subscriptionKey: KEY, tokens: fakeTokens(), fetch: server.fetch, clock });
    await clock.run(api.listInstances());
    expect(clock.now()).toBe(Date.parse('2026-03-15T12:00:04Z'));
  });

  it('gives up after five attempts with a retryable error', async () => {
    const { api, clock, requests } = client(() => json(503, { error: { code: 'ServiceUnavailable' } }));
    const error = await failure(clock.run(api.listInstances()));
    expect(error).toMatchObject({ code: 'customer-insights.server-error', status: 503, retryable: true });
    expect(error.message).toContain('ServiceUnavailable');
    expect(requests).toHaveLength(5);
  });

  it('hands a long Retry-After to the caller instead of sleeping through it', async () => {
    const { api, clock, requests } = client(() => json(429, {}, { 'retry-after': '600' }));
    const error = await failure(clock.run(api.listInstances()));
    expect(error).toMatchObject({
      code: 'customer-insights.rate-limited',
      retryable: true,
      retryAfterMs: 600_000,
    });
    expect(requests).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries a dropped connection', async () => {
    let calls = 0;
    const { api, clock } = client(() => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      return json(200, []);
    });
    expect(await clock.run(api.listInstances())).toEqual([]);
    expect(calls).toBe(2);
  });

  it('does not retry a bad request', async () => {
    const { api, requests } = client(() => json(400, { error: { code: 'BadRequest', message: 'nope' } }));
    const error = await failure(api.listInstances());
    expect(error).toMatchObject({ code: 'customer-insights.invalid-request', status: 400, retryable: false });
    expect(requests).toHaveLength(1);
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const { api, clock } = client(() => json(429, {}, { 'retry-after': '5' }));
    const controller = new AbortController();
    const reading = api.listInstances({ signal: controller.signal });
    reading.catch(() => {});
    await clock.advance(1_000);
    controller.abort(new Error('stopped'));
    await expect(reading).rejects.toThrow('stopped');
  });
});

describe('authentication', () => {
  const expired = () =>
    json(
      401,
      { error: { code: 'ExpiredAuthenticationToken', message: 'The access token has expired.' } },
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );

  it('renews a rejected token once and retries with the new one', async () => {
    const { api, tokens, requests } = client((request) =>
      request.headers.get('authorization') === 'Bearer t1' ? expired() : json(200, []),
    );
    expect(await api.listInstances()).toEqual([]);
    expect(tokens.renewals).toBe(1);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('does not renew twice when the new token is refused too', async () => {
    const { api, tokens, requests } = client(expired);
    const error = await failure(api.listInstances());
    expect(error).toMatchObject({ code: 'customer-insights.access-denied', status: 401, retryable: false });
    expect(tokens.renewals).toBe(1);
    expect(requests).toHaveLength(2);
  });

  it('blames the subscription key when the gateway says so, without renewing the token', async () => {
    const { api, tokens } = client(() =>
      json(401, {
        statusCode: 401,
        message: 'Access denied due to invalid subscription key. Make sure to provide a valid key.',
      }),
    );
    const error = await failure(api.listInstances());
    expect(error.code).toBe('customer-insights.invalid-subscription-key');
    expect(tokens.renewals).toBe(0);
  });
});
