import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { OmnisendClient } from '../../../src/omnisend/client.ts';
import type { ContactRequest } from '../../../src/omnisend/schemas.ts';
import { OPENAPI_DIR } from '../../sandbox/omnisend/contract.ts';
import { fakeFetch, json } from '../../support/fake-fetch.ts';
import { brand } from './answers.ts';

// Holds what the client sends against Omnisend's own OpenAPI documents (read-only, shared, beside
// the repository — the same place the sandbox reads them from).
const specDir = fileURLToPath(OPENAPI_DIR);
const specs = {
  contacts: 'omnisend-contacts-api-2026-03-15.json',
  batches: 'omnisend-batches-api-2026-03-15.json',
  brands: 'omnisend-brands-api-2026-03-15.json',
} as const;

// OpenAPI 3.0 adds keywords (example, readOnly, nullable) that plain JSON Schema does not know.
const ajv = new Ajv({ strict: false, allErrors: true });
for (const [name, file] of Object.entries(specs)) {
  ajv.addSchema(JSON.parse(readFileSync(`${specDir}/${file}`, 'utf8')) as object, name);
}

function validate(spec: keyof typeof specs, schema: string, value: unknown): string[] {
  const check = ajv.getSchema(`${spec}#/components/schemas/${schema}`);
  if (!check) throw new Error(`no schema ${spec}/${schema}`);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const fullContact: ContactRequest = {
  identifiers: [
    {
      type: 'email',
      id: 'jane@example.com',
      channels: { email: { status: 'subscribed', statusChangedAt: '2026-01-10T09:00:00Z' } },
      consent: {
        source: 'checkout-form',
        createdAt: '2026-01-10T09:00:00Z',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
      },
      sendWelcomeMessage: false,
    },
    {
      type: 'phone',
      id: '+37060000000',
      channels: { sms: { status: 'nonSubscribed' } },
      sendWelcomeMessage: false,
    },
  ],
  firstName: 'Jane',
  lastName: 'Doe',
  address: '1 Main St',
  city: 'London',
  state: 'Greater London',
  postalCode: 'SW1A 1AA',
  country: 'United Kingdom',
  countryCode: 'GB',
  birthdate: '1990-05-02',
  gender: 'f',
  customProperties: { loyalty_tier: 'gold', points: 12, vip: true, interests: ['a', 'b'] },
};

describe('the Omnisend contract', () => {
  it('sends batch bodies that match CreateBatchRequest with ContactRequest items', async () => {
    const fake = fakeFetch(() => json(201, { batchID: 'b', totalCount: 1 }));
    await new OmnisendClient({ apiKey: 'k', fetch: fake.fetch }).submitContactBatch([fullContact]);
    const body = fake.requests[0]?.json as { items: unknown[] };
    expect(validate('batches', 'CreateBatchRequest', body)).toEqual([]);
    expect(validate('contacts', 'ContactRequest', body.items[0])).toEqual([]);
    expect(validate('contacts', 'ContactRequest', { ...fullContact, gender: 'x' })).not.toEqual([]);
  });

  it('sends tag bodies that match AddTagsRequest and RemoveTagsRequest', async () => {
    const fake = fakeFetch(() => new Response(null, { status: 202 }));
    const client = new OmnisendClient({ apiKey: 'k', fetch: fake.fetch });
    await client.addTags(['a@example.com'], ['VIP']);
    await client.removeTags(['a@example.com'], ['VIP']);
    expect(validate('contacts', 'AddTagsRequest', fake.requests[0]?.json)).toEqual([]);
    expect(validate('contacts', 'RemoveTagsRequest', fake.requests[1]?.json)).toEqual([]);
  });

  it('reads responses shaped like the documented examples', async () => {
    const batch = {
      batchID: '5f92cbf10cf217478ba93561',
      status: 'finished',
      endpoint: 'contacts',
      method: 'POST',
      origin: 'api',
      totalCount: 2,
      finishedCount: 2,
      errorsCount: 1,
      createdAt: '2021-01-01T00:00:00Z',
      startedAt: '2021-01-01T00:00:00Z',
      endedAt: '2021-01-01T00:00:00Z',
      responses: [{ itemID: 'i1', status: 'finished', responseCode: 201, request: {}, response: {} }],
      errors: [{ itemID: 'i2', status: 'finished', responseCode: 400, request: {}, response: {} }],
    };
    const contacts = {
      contacts: [
        { id: '60a6170920d91c215e949b5c', email: 'jane@example.com', tags: ['VIP'], status: 'subscribed' },
      ],
      paging: { cursors: { after: null, before: null }, hasMore: false, limit: 100 },
    };
    expect(validate('batches', 'Batch', batch)).toEqual([]);
    expect(validate('contacts', 'ListContactsResponse', contacts)).toEqual([]);

    const fake = fakeFetch((request) => {
      if (request.url.pathname.startsWith('/api/batches')) return json(200, batch);
      if (request.url.pathname === '/api/contacts') return json(200, contacts);
      return json(200, brand);
    });
    const client = new OmnisendClient({ apiKey: 'k', fetch: fake.fetch });
    await expect(client.getBatchOutcome('b')).resolves.toMatchObject({ settled: true });
    await expect(client.findContactByEmail('jane@example.com')).resolves.toMatchObject({ tags: ['VIP'] });
    await expect(client.getBrand()).resolves.toMatchObject({ brandID: brand.brandID });
  });
});
