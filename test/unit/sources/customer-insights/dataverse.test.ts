import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMember, EMPTY_DIGEST, sameMembers } from '../../../../src/core/membership-digest.ts';
import { DataverseClient } from '../../../../src/sources/customer-insights/dataverse-client.ts';
import {
  escapeLike,
  listsSegment,
  membershipFilter,
  profilesByIdFilter,
} from '../../../../src/sources/customer-insights/dataverse-query.ts';
import { DataverseSource } from '../../../../src/sources/customer-insights/dataverse-source.ts';
import { OrgAccessRequiredError } from '../../../../src/sources/customer-insights/errors.ts';
import type { AccessTokens } from '../../../../src/sources/customer-insights/token-provider.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { fakeFetch, json, type SeenRequest } from '../../../support/fake-fetch.ts';

const ORG = 'https://contoso.crm4.dynamics.com';
const tokens: AccessTokens = { accessToken: async () => 'token', renew: async () => 'token' };

function clientOf(handler: (request: SeenRequest) => Response, originAllowed?: () => Promise<boolean>) {
  const server = fakeFetch(handler);
  const client = new DataverseClient({
    orgUrl: `${ORG}/main.aspx`,
    tokens,
    fetch: server.fetch,
    clock: new FakeClock(),
    random: () => 0.5,
    ...(originAllowed ? { originAllowed } : {}),
  });
  return { client, requests: server.requests };
}

const membershipRow = (id: string, segments: string) => ({
  '@odata.etag': 'W/"1"',
  msdynci_customerid: id,
  msdynci_segments: segments,
});

describe('Dataverse queries', () => {
  it('escapes the LIKE wildcards of an output name, and doubles quotes for OData', () => {
    expect(escapeLike('a_b%c[d]')).toBe('a[_]b[%]c[[]d]');
    expect(membershipFilter("O'Brien_50%")).toBe(`contains(msdynci_segments,'"O''Brien[_]50[%]"')`);
    expect(profilesByIdFilter(['a', "b'c"])).toBe(
      "Microsoft.Dynamics.CRM.In(PropertyName='msdynci_customerid',PropertyValues=['a','b''c'])",
    );
  });

  it('checks membership in whatever JSON wraps the list, ignoring case', () => {
    expect(listsSegment('["VIP","Male_under_40"]', 'male_under_40')).toBe(true);
    expect(listsSegment('["VIP","MaleXunder_40"]', 'Male_under_40')).toBe(false);
    expect(listsSegment('[{"name":"Male_under_40","provider":"CI"}]', 'Male_under_40')).toBe(true);
    expect(listsSegment('{"segments":[["Male_under_40"]]}', 'Male_under_40')).toBe(true);
    expect(listsSegment('not json, "Male_under_40" quoted', 'Male_under_40')).toBe(true);
    expect(listsSegment('not json, Male_under_40 bare', 'Male_under_40')).toBe(false);
    expect(listsSegment(null, 'Male_under_40')).toBe(false);
    expect(listsSegment(['Male_under_40'], 'Male_under_40')).toBe(false);
  });
});

describe('membership digests', () => {
  it('are equal for the same members in any order and page cut, and differ when one changes', () => {
    const keys = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(keys, fc.nat(), (members, turn) => {
        const shuffled = [
          ...members.slice(turn % members.length),
          ...members.slice(0, turn % members.length),
        ];
        const a = members.reduce(addMember, EMPTY_DIGEST);
        expect(sameMembers(a, shuffled.reduce(addMember, EMPTY_DIGEST))).toBe(true);
        const swapped = [...members.slice(1), `${members[0]}x`];
        expect(sameMembers(a, swapped.reduce(addMember, EMPTY_DIGEST))).toBe(false);
        expect(sameMembers(a, members.slice(1).reduce(addMember, EMPTY_DIGEST))).toBe(false);
      }),
    );
  });
});

describe('the Dataverse client', () => {
  it('sends the OData headers, the page size it wants and the token, to the organisation only', async () => {
    const { client, requests } = clientOf(() => json(200, { value: [] }));
    await client.page(
      { entitySet: 'msdynci_segmentmemberships', params: [['$select', 'msdynci_customerid']] },
      500,
    );
    const [request] = requests;
    expect(request?.url.toString()).toBe(
      `${ORG}/api/data/v9.2/msdynci_segmentmemberships?$select=msdynci_customerid`,
    );
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      accept: 'application/json',
      authorization: 'Bearer token',
      'odata-version': '4.0',
      'odata-maxversion': '4.0',
      prefer: 'odata.maxpagesize=500',
    });
  });

  it('follows a next link unchanged, and refuses one that leads anywhere else', async () => {
    const { client, requests } = clientOf(() => json(200, { value: [] }));
    const link = `${ORG}/api/data/v9.2/msdynci_segmentmemberships?$select=a&$skiptoken=%3Ccookie%20pagenumber=%222%22%3E`;
    await client.page({ nextLink: link }, 500);
    expect(requests[0]?.url.toString()).toBe(link);
    for (const elsewhere of [
      'https://evil.example/api/data/v9.2/x',
      'https://contoso.crm4.dynamics.com.evil.example/api/data/v9.2/x',
      `${ORG}/other/path`,
      'not a url',
    ]) {
      await expect(client.page({ nextLink: elsewhere }, 500)).rejects.toMatchObject({
        code: 'customer-insights.unexpected-response',
      });
    }
    expect(requests).toHaveLength(1);
  });

  it('asks nothing of an organisation the browser does not let it reach', async () => {
    const { client, requests } = clientOf(
      () => json(200, { value: [] }),
      async () => false,
    );
    const error = await client.page({ entitySet: 'x', params: [] }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrgAccessRequiredError);
    expect(error).toMatchObject({
      needsUser: true,
      message: expect.stringContaining('contoso.crm4.dynamics.com'),
    });
    expect(requests).toHaveLength(0);
  });

  it.each([
    [403, 'customer-insights.access-denied', 'may not read'],
    [404, 'customer-insights.not-found', 'has no Customer Insights tables'],
    [400, 'customer-insights.invalid-request', 'refused the request (HTTP 400) (0x80040203)'],
  ])('says what an HTTP %i means', async (status, code, words) => {
    const { client } = clientOf(() =>
      json(status, { error: { code: '0x80040203', message: 'Some detail.' } }),
    );
    await expect(client.page({ entitySet: 'x', params: [] }, 1)).rejects.toMatchObject({
      code,
      message: expect.stringContaining(words),
    });
  });
});

describe('the Dataverse source', () => {
  function sourceOf(handler: (request: SeenRequest) => Response, pageSize?: number) {
    const { client, requests } = clientOf(handler);
    const source = new DataverseSource({
      client,
      knownSegments: async () => [],
      ...(pageSize ? { pageSize } : {}),
    });
    return { source, requests };
  }

  it('drops rows that do not list the segment, and reads a member once per page', async () => {
    const { source, requests } = sourceOf((request) =>
      request.url.pathname.endsWith('msdynci_segmentmemberships')
        ? json(200, {
            value: [
              membershipRow('c1', '["Sale_50"]'),
              membershipRow('c2', '["SaleX50"]'),
              membershipRow('c1', '["Sale_50","Other"]'),
            ],
          })
        : json(200, {
            value: [{ msdynci_customerid: 'c1', msdynci_emailaddress: 'a@b.c', 'x@odata.etag': '1' }],
          }),
    );
    const page = await source.readMembers('Sale_50', null);
    expect(page.rows).toEqual([
      { key: 'c1', position: 0, values: { msdynci_customerid: 'c1', msdynci_emailaddress: 'a@b.c' } },
    ]);
    expect(page.complete).toBe(true);
    const profiles = requests.find((r) => r.url.pathname.endsWith('msdynci_customerprofiles'));
    expect(profiles?.url.searchParams.get('$filter')).toBe(profilesByIdFilter(['c1']));
  });

  it('says the read is incomplete when a member has no profile', async () => {
    const { source } = sourceOf((request) =>
      request.url.pathname.endsWith('msdynci_segmentmemberships')
        ? json(200, { value: [membershipRow('c1', '["S"]'), membershipRow('c2', '["S"]')] })
        : json(200, { value: [{ msdynci_customerid: 'c2' }] }),
    );
    let page = await source.readMembers('S', null);
    expect(page.rows.map((row) => row.key)).toEqual(['c2']);
    expect(page.complete).toBe(false);
    while (page.next !== null) page = await source.readMembers('S', page.next);
    expect(page).toMatchObject({ next: null, complete: false, membershipChanged: false });
  });

  it('splits the profile batch when long ids would make the URL longer than Dataverse takes', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')}-${'x'.repeat(96)}`);
    const { source, requests } = sourceOf((request) =>
      request.url.pathname.endsWith('msdynci_segmentmemberships')
        ? json(200, { value: ids.map((id) => membershipRow(id, '["S"]')) })
        : json(200, {
            value: ids
              .filter((id) => request.url.searchParams.get('$filter')?.includes(id))
              .map((id) => ({ msdynci_customerid: id })),
          }),
    );
    const page = await source.readMembers('S', null);
    expect(page.rows.map((row) => row.key)).toEqual(ids);
    const batches = requests.filter((r) => r.url.pathname.endsWith('msdynci_customerprofiles'));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((r) => r.url.toString().length <= 32_768)).toBe(true);
  });

  it('keeps each membership page within one In batch of 500', async () => {
    const { source, requests } = sourceOf(() => json(200, { value: [] }), 2_000);
    await source.readMembers('S', null);
    expect(requests[0]?.headers.get('prefer')).toBe('odata.maxpagesize=500');
  });

  it('refuses a column name that would change the query, before any request', async () => {
    const { source, requests } = sourceOf((request) =>
      request.url.pathname.endsWith('msdynci_segmentmemberships')
        ? json(200, { value: [membershipRow('c1', '["S"]')] })
        : json(200, { value: [] }),
    );
    await expect(source.readMembers('S', null, { fields: ['a,b'] })).rejects.toMatchObject({
      code: 'customer-insights.invalid-request',
    });
    expect(requests.filter((r) => r.url.pathname.endsWith('msdynci_customerprofiles'))).toHaveLength(0);
  });

  it('refuses a cursor it did not write', async () => {
    const { source } = sourceOf(() => json(200, { value: [] }));
    await expect(source.readMembers('S', '{"skip":3}')).rejects.toMatchObject({
      code: 'customer-insights.invalid-cursor',
    });
  });
});
