import { describe, expect, it } from 'vitest';
import { CustomerInsightsSource } from '../../../../src/sources/customer-insights/customer-insights-source.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { fakeFetch, json } from '../../../support/fake-fetch.ts';

const MEMBERS = Array.from({ length: 7 }, (_, i) => ({
  '@odata.etag': `W/"${i}"`,
  CustomerId: `c${i}`,
  Email: `m${i}@example.com`,
  'Email@odata.type': '#String',
}));

/**
 * A tenant that reports the least the documentation promises: no `@odata.count`, segments with
 * neither version nor refresh time, and pages capped at 3 rows whatever `$top` says.
 */
function minimalTenant(members: Record<string, unknown>[] = MEMBERS) {
  return fakeFetch((request) => {
    if (request.url.pathname.endsWith('/manage/segments')) return json(200, [{ name: 'Minimal' }]);
    const skip = Number(request.url.searchParams.get('$skip'));
    return json(200, { value: members.slice(skip, skip + 3) });
  });
}

function source(fetch: typeof globalThis.fetch) {
  return new CustomerInsightsSource({
    instanceId: 'env',
    subscriptionKey: 'key',
    tokens: { accessToken: async () => 't', renew: async () => 't' },
    fetch,
    clock: new FakeClock(),
    pageSize: 10,
    rowsPerRead: 1,
  });
}

describe('CustomerInsightsSource on a tenant that reports little', () => {
  it('reads past short pages and ends only on an empty one', async () => {
    const tenant = minimalTenant();
    const reader = source(tenant.fetch);
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await reader.readMembers('Minimal', cursor, { fields: ['Email'] });
      pages.push(page);
      cursor = page.next;
    } while (cursor !== null);
    expect(pages.map((page) => page.rows.length)).toEqual([3, 3, 1, 0]);
    expect(pages.flatMap((page) => page.rows.map((row) => [row.key, row.position]))).toEqual(
      MEMBERS.map((member, i) => [member.CustomerId, i]),
    );
    expect(pages.at(-1)).toMatchObject({ membershipChanged: false, complete: true });
  });

  it('keeps OData annotations out of values and fields', async () => {
    const reader = source(minimalTenant().fetch);
    const page = await reader.readMembers('Minimal', null);
    expect(page.rows[0]?.values).toEqual({ CustomerId: 'c0', Email: 'm0@example.com' });
    expect(await reader.describeFields('Minimal')).toEqual(['CustomerId', 'Email']);
  });

  it('refuses a profile without CustomerId', async () => {
    const reader = source(minimalTenant([{ Email: 'x@example.com' }]).fetch);
    await expect(reader.readMembers('Minimal', null)).rejects.toMatchObject({
      code: 'customer-insights.unexpected-response',
    });
  });

  it('finds the segment whatever the case of its output name', async () => {
    const reader = source(minimalTenant().fetch);
    expect((await reader.readMembers('MINIMAL', null)).rows).toHaveLength(3);
  });
});

describe('CustomerInsightsSource when a read stops short of @odata.count', () => {
  it('does not call a read complete when an empty page comes before the count is reached', async () => {
    // The count says 7, but the server hands out an empty page after 3: members 4–7 were never
    // read, so a Mirror run must not take their tag away.
    const tenant = fakeFetch((request) => {
      if (request.url.pathname.endsWith('/manage/segments')) return json(200, [{ name: 'Short' }]);
      const skip = Number(request.url.searchParams.get('$skip'));
      return json(200, { '@odata.count': MEMBERS.length, value: skip === 0 ? MEMBERS.slice(0, 3) : [] });
    });
    const reader = source(tenant.fetch);
    const first = await reader.readMembers('Short', null, { fields: ['Email'] });
    expect(first).toMatchObject({ complete: true });
    const last = await reader.readMembers('Short', first.next, { fields: ['Email'] });
    expect(last).toMatchObject({ rows: [], next: null, complete: false });
  });
});
