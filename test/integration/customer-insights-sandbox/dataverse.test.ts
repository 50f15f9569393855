import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { likeMatcher } from '../../sandbox/customer-insights/dataverse.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { customerIdAt, profileAt } from '../../sandbox/customer-insights/profiles.ts';
import { type Reply, send } from './https-client.ts';

const ORG = 'contoso.crm4.dynamics.com';
const API = '/api/data/v9.2/';

interface Page {
  '@odata.count'?: number;
  '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'?: boolean;
  '@odata.nextLink'?: string;
  value: Record<string, unknown>[];
}

let sandbox: CustomerInsightsSandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({
    environments: [
      {
        id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        displayName: 'Dataverse test',
        orgHost: ORG,
        segments: [
          { name: 'Small', displayName: 'Small segment', size: 237, offset: 10 },
          { name: 'Big', displayName: 'Big segment', size: 12_000, offset: 0 },
          { name: 'Sale_50', displayName: 'Sale 50', size: 5, offset: 20_000 },
          { name: 'SaleX50', displayName: 'Sale X 50', size: 7, offset: 20_100 },
        ],
      },
    ],
  });
});

beforeEach(() => {
  token = sandbox.control.issueAccessToken(`https://${ORG}`);
  sandbox.inspect.clear();
});

afterAll(async () => {
  await sandbox.close();
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send(sandbox.port, ORG, pathAndQuery, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers },
  });
}

const members = (name: string, extra = '') =>
  `${API}msdynci_segmentmemberships?$select=msdynci_customerid,msdynci_segments&$filter=${encodeURIComponent(
    `contains(msdynci_segments,'"${name}"')`,
  )}${extra}`;

async function readAll(first: string, pageSize: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  while (next) {
    const reply = await get(next.replace(`https://${ORG}`, ''), { prefer: `odata.maxpagesize=${pageSize}` });
    expect(reply.status).toBe(200);
    const page = reply.json<Page>();
    rows.push(...page.value);
    next = page['@odata.nextLink'];
  }
  return rows;
}

describe('the Dataverse sandbox', () => {
  it('answers only tokens whose audience is the organisation, naming the resource it wants', async () => {
    token = sandbox.control.issueAccessToken();
    const wrong = await get(members('Small'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain(`resource_id="https://${ORG}/"`);
    token = sandbox.control.issueAccessToken(`https://${ORG}`);
    expect((await get(members('Small'))).status).toBe(200);
  });

  it('lists a segment’s members with contains, each row naming its segments as JSON', async () => {
    const rows = await readAll(members('Small'), 5_000);
    expect(rows).toHaveLength(237);
    expect(rows[0]).toMatchObject({
      msdynci_customerid: profileAt(sandbox.segments[0]!, 0).CustomerId,
      msdynci_segments: JSON.stringify(['Small', 'Big']),
    });
    expect(Object.keys(rows[0] ?? {})).toContain('msdynci_segmentmembershipid');
  });

  it('pages by Prefer: odata.maxpagesize and @odata.nextLink, and refuses $skip', async () => {
    const reply = await get(members('Big'), { prefer: 'odata.maxpagesize=1000' });
    expect(reply.headers['preference-applied']).toBe('odata.maxpagesize=1000');
    const page = reply.json<Page>();
    expect(page.value).toHaveLength(1_000);
    expect(page['@odata.nextLink']).toContain('$skiptoken=');
    const rows = await readAll(members('Big'), 999);
    expect(rows.map((row) => row.msdynci_customerid)).toEqual(
      Array.from({ length: 12_000 }, (_, i) => customerIdAt(1, i)),
    );
    expect((await get(`${members('Big')}&$skip=10`)).status).toBe(400);
  });

  it('answers at most 5,000 rows a page, and counts at most 5,000', async () => {
    const reply = await get(`${members('Big')}&$count=true`, { prefer: 'odata.maxpagesize=20000' });
    const page = reply.json<Page>();
    expect(page.value).toHaveLength(5_000);
    expect(page['@odata.count']).toBe(5_000);
    expect(page['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(true);
  });

  it('treats contains as LIKE: an unescaped _ is a wildcard, [_] is the character', async () => {
    expect(await readAll(members('Sale_50'), 5_000)).toHaveLength(12);
    expect(await readAll(members('Sale[_]50'), 5_000)).toHaveLength(5);
    expect(likeMatcher('"a[%]b"')('["a%b"]')).toBe(true);
    expect(likeMatcher('"a[%]b"')('["axxb"]')).toBe(false);
    expect(likeMatcher('"[[]x]"')('["[x]"]')).toBe(true);
  });

  it('serves profiles by id with Microsoft.Dynamics.CRM.In, at most 500 values', async () => {
    const ids = [5, 7, 11].map((i) => customerIdAt(1, i));
    const filter = `Microsoft.Dynamics.CRM.In(PropertyName='msdynci_customerid',PropertyValues=[${ids.map((id) => `'${id}'`).join(',')}])`;
    const reply = await get(
      `${API}msdynci_customerprofiles?$select=msdynci_customerid,msdynci_emailaddress&$filter=${encodeURIComponent(filter)}`,
    );
    expect(reply.status).toBe(200);
    const rows = reply.json<Page>().value;
    expect(rows.map((row) => row.msdynci_customerid)).toEqual(ids);
    expect(rows[0]).toMatchObject({ msdynci_emailaddress: profileAt(sandbox.segments[1]!, 5).EmailAddress });
    const many = Array.from({ length: 501 }, (_, i) => `'${customerIdAt(1, i)}'`).join(',');
    const tooMany = await get(
      `${API}msdynci_customerprofiles?$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.In(PropertyName='msdynci_customerid',PropertyValues=[${many}])`)}`,
    );
    expect(tooMany.status).toBe(400);
  });

  it('refuses a column that does not exist, in the OData wording', async () => {
    const reply = await get(`${API}msdynci_customerprofiles?$select=msdynci_shoesize`);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({
      error: {
        code: '0x80060888',
        message:
          "Could not find a property named 'msdynci_shoesize' on type 'Microsoft.Dynamics.CRM.msdynci_customerprofile'.",
      },
    });
  });

  it('refuses a URL longer than 32,768 characters', async () => {
    const reply = await get(`${API}msdynci_customerprofiles?$filter=${'x'.repeat(33_000)}`);
    expect(reply.status).toBe(414);
  });

  it('hits a service protection limit on demand: 429 with Retry-After and the error code', async () => {
    sandbox.control.throttleDataverseNext(1, 7);
    const reply = await get(members('Small'));
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('7');
    expect(reply.json()).toMatchObject({ error: { code: '0x80072322' } });
    expect((await get(members('Small'))).status).toBe(200);
  });

  it('records the reads it answered', async () => {
    await get(members('Small'), { prefer: 'odata.maxpagesize=100' });
    expect(sandbox.inspect.dataverseReads()).toEqual([
      {
        host: ORG,
        entitySet: 'msdynci_segmentmemberships',
        filter: `contains(msdynci_segments,'"Small"')`,
        select: ['msdynci_customerid', 'msdynci_segments'],
        maxPageSize: 100,
        nextPage: false,
        returned: 100,
      },
    ]);
  });
});
