import { describe, expect, it } from 'vitest';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  OMNISEND_API_VERSION,
  OmnisendClient,
  type OmnisendClientOptions,
} from '../../../src/omnisend/client.ts';
import {
  InvalidApiKeyError,
  InvalidRequestError,
  LocalValidationError,
  MissingPermissionError,
  NetworkError,
  NotFoundError,
  OmnisendError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  VersionRetiredError,
} from '../../../src/omnisend/errors.ts';
import { type ContactRequest, contactRequestSchema } from '../../../src/omnisend/schemas.ts';
import { fakeFetch, type Handler, hang, json, stallBody } from '../../support/fake-fetch.ts';
import { brand, problem } from './answers.ts';

type ErrorClass = new (...args: never[]) => OmnisendError;

const API_KEY = '60a6170920d91c215e949b5c-Zr8Kq2LmWx4Pn7Tb';

function clientWith(handler: Handler, options: Partial<OmnisendClientOptions> = {}) {
  const fake = fakeFetch(handler);
  const client = new OmnisendClient({ apiKey: API_KEY, fetch: fake.fetch, ...options });
  return { client, requests: fake.requests };
}

function contact(i: number, extra: Partial<ContactRequest> = {}): ContactRequest {
  return {
    identifiers: [
      {
        type: 'email',
        id: `person${i}@example.com`,
        sendWelcomeMessage: false,
        channels: { email: { status: 'nonSubscribed' } },
      },
    ],
    firstName: `First${i}`,
    ...extra,
  };
}

async function caught(promise: Promise<unknown>): Promise<OmnisendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OmnisendError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

describe('OmnisendClient requests', () => {
  it('authenticates every request with the key and pins the API version', async () => {
    const { client, requests } = clientWith(() => json(200, brand));
    await client.getBrand();
    const [request] = requests;
    expect(request?.method).toBe('GET');
    expect(request?.url.href).toBe('https://api.omnisend.com/api/brands/current');
    expect(request?.headers.get('authorization')).toBe(`Omnisend-API-Key ${API_KEY}`);
    expect(request?.headers.get('omnisend-version')).toBe('2026-03-15');
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.headers.get('content-type')).toBeNull();
    expect(OMNISEND_API_VERSION).toBe('2026-03-15');
  });

  it('talks to another base URL when given one', async () => {
    const { client, requests } = clientWith(() => json(200, brand), {
      baseUrl: 'http://127.0.0.1:8443/api/',
    });
    await client.getBrand();
    expect(requests[0]?.url.href).toBe('http://127.0.0.1:8443/api/brands/current');
  });

  it('calls the injected fetch as a plain function, as browsers require', async () => {
    let seenThis: unknown = 'unset';
    const strictFetch = function (this: unknown) {
      seenThis = this;
      return Promise.resolve(json(200, brand));
    } as unknown as typeof fetch;
    await new OmnisendClient({ apiKey: API_KEY, fetch: strictFetch }).getBrand();
    expect(seenThis).toBeUndefined();
  });

  it('reads the brand and keeps fields it does not know', async () => {
    const { client } = clientWith(() => json(200, { ...brand, newField: 1 }));
    const result = await client.getBrand();
    expect(result.brandID).toBe(brand.brandID);
    expect(result.name).toBe('Acme');
    expect(result).toHaveProperty('newField', 1);
  });

  it('refuses a brand without an id as an answer it does not understand', async () => {
    const { client } = clientWith(() => json(200, { name: 'Acme' }));
    expect(await caught(client.getBrand())).toBeInstanceOf(UnexpectedResponseError);
    const html = clientWith(() => new Response('<html>Sign in to Wi-Fi</html>', { status: 200 }));
    expect(await caught(html.client.getBrand())).toBeInstanceOf(UnexpectedResponseError);
  });

  it('submits a contact batch as one POST /batches', async () => {
    const { client, requests } = clientWith(() => json(201, { batchID: 'b1', totalCount: 2, extra: true }));
    const items = [contact(1), contact(2, { countryCode: 'GB', birthdate: '1990-05-02', gender: 'f' })];
    await expect(client.submitContactBatch(items)).resolves.toEqual({ batchID: 'b1', totalCount: 2 });
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.pathname).toBe('/api/batches');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.json).toEqual({ endpoint: 'contacts', method: 'POST', items });
  });

  it('accepts a batch at exactly the item limit', async () => {
    const { client, requests } = clientWith(() => json(201, { batchID: 'b', totalCount: 100 }));
    await client.submitContactBatch(Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => contact(i)));
    expect(requests[0]?.json).toMatchObject({ items: expect.any(Array) });
    expect((requests[0]?.json as { items: unknown[] } | undefined)?.items).toHaveLength(100);
  });

  it.each([
    ['an empty batch', [], 'empty-batch'],
    ['a batch of 101 contacts', Array.from({ length: 101 }, (_, i) => contact(i)), 'too-many-items'],
    [
      'a batch over 1 MB',
      Array.from({ length: 100 }, (_, i) => contact(i, { customProperties: { note: 'x'.repeat(10_100) } })),
      'batch-too-large',
    ],
  ])('refuses %s before sending it', async (_name, items, reason) => {
    const { client, requests } = clientWith(() => json(201, { batchID: 'b', totalCount: 1 }));
    const error = await caught(client.submitContactBatch(items));
    expect(error).toBeInstanceOf(LocalValidationError);
    expect((error as LocalValidationError).reason).toBe(reason);
    expect(error.retryable).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('measures the batch limit in UTF-8 bytes of the whole body', async () => {
    const { client, requests } = clientWith(() => json(201, { batchID: 'b', totalCount: 1 }));
    // 'é' is two bytes: about 0.6 M characters but 1.2 MB.
    const item = contact(1, { customProperties: { note: 'é'.repeat(600_000) } });
    expect(JSON.stringify(item).length).toBeLessThan(MAX_BATCH_BYTES);
    expect((await caught(client.submitContactBatch([item]))).message).toContain('bytes');
    expect(requests).toHaveLength(0);
  });

  it('reads a batch whose lists are null or left out', async () => {
    const { client, requests } = clientWith(() =>
      json(200, { batchID: 'a/b', status: 'inProgress', totalCount: 100, finishedCount: 40, errors: null }),
    );
    expect(await client.getBatchOutcome('a/b')).toEqual({ settled: false });
    expect(requests[0]?.url.pathname).toBe('/api/batches/a%2Fb/items');
    const finished = clientWith(() => json(200, { batchID: 'b', status: 'finished', totalCount: 1 }));
    const outcome = await finished.client.getBatchOutcome('b');
    // Finished, yet the contact is listed nowhere: nothing confirms it arrived.
    expect(outcome.settled && outcome.outcomeOf('person1@example.com')).toMatchObject({
      ok: false,
      unconfirmed: true,
    });
  });

  it('reads the outcome of every item of a batch', async () => {
    const failed = {
      itemID: 'i2',
      status: 'finished',
      responseCode: 400,
      request: contact(2),
      response: {
        status: 400,
        errors: [{ field: 'identifiers.0.id', code: 'invalid_format', message: 'bad' }],
      },
    };
    const { client, requests } = clientWith(() =>
      json(200, {
        batchID: 'b1',
        status: 'finished',
        totalCount: 2,
        finishedCount: 2,
        errorsCount: 1,
        responses: [
          {
            itemID: 'i1',
            status: 'finished',
            responseCode: 201,
            request: contact(1),
            response: { id: 'c1' },
          },
        ],
        errors: [failed],
      }),
    );
    const outcome = await client.getBatchOutcome('b1');
    expect(requests[0]?.url.pathname).toBe('/api/batches/b1/items');
    if (!outcome.settled) throw new Error('the batch finished');
    expect(outcome.outcomeOf('person1@example.com')).toEqual({ ok: true, created: true });
    expect(outcome.outcomeOf('person2@example.com')).toEqual({
      ok: false,
      field: 'identifiers.0.id',
      message: 'bad',
      responseCode: 400,
    });
  });

  it('says what became of the contacts of a stopped batch and of one Omnisend no longer knows', async () => {
    const stopped = clientWith(() =>
      json(200, {
        batchID: 'b',
        status: 'stopped',
        totalCount: 2,
        responses: [{ responseCode: 200, request: contact(1), response: { id: 'c1' } }],
      }),
    );
    const outcome = await stopped.client.getBatchOutcome('b');
    if (!outcome.settled) throw new Error('a stopped batch is settled');
    expect(outcome.outcomeOf('person1@example.com')).toEqual({ ok: true, created: false });
    const notReached = { ok: false, message: 'Omnisend stopped the batch before this contact.' };
    expect(outcome.outcomeOf('person2@example.com')).toEqual(notReached);
    const missing = clientWith(() => problem(404));
    const gone = await missing.client.getBatchOutcome('b');
    expect(gone.settled && gone.outcomeOf('person1@example.com')).toEqual(notReached);
  });

  it("lists the brand's contact batches and settles only those whose entry says enough", async () => {
    const item = (i: number, responseCode = 201) => ({
      responseCode,
      request: contact(i),
      response: { id: `c${i}` },
    });
    const { client, requests } = clientWith(() =>
      json(200, {
        batches: [
          { batchID: 'pending', status: 'pending', totalCount: 1 },
          {
            batchID: 'whole',
            status: 'finished',
            totalCount: 2,
            responses: [item(1)],
            errors: [item(2, 400)],
          },
          // Per-item results left out, cut short, or a contact that cannot be told: read the items.
          { batchID: 'bare', status: 'finished', totalCount: 1 },
          { batchID: 'short', status: 'finished', totalCount: 2, responses: [item(3)], errors: [] },
          {
            batchID: 'anonymous',
            status: 'finished',
            totalCount: 1,
            responses: [{ responseCode: 201, request: null, response: {} }],
            errors: [],
          },
          { batchID: 'stopped', status: 'stopped', totalCount: 1, responses: [item(4)], errors: [] },
        ],
        paging: { limit: 6, offset: 0, next: 'https://api.omnisend.com/api/batches?limit=6&offset=6' },
      }),
    );
    const page = await client.listBatchOutcomes({ offset: 0, limit: 6, dateFrom: '2026-03-14' });
    const url = requests[0]!.url;
    expect(url.pathname).toBe('/api/batches');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      endpoint: 'contacts',
      offset: '0',
      limit: '6',
      dateFrom: '2026-03-14',
    });
    expect(page.more).toBe(true);
    const byId = new Map(page.batches.map((b) => [b.batchID, b.outcome]));
    expect(byId.get('pending')).toEqual({ settled: false });
    const whole = byId.get('whole');
    if (!whole?.settled) throw new Error('the entry settles the batch');
    expect(whole.outcomeOf('person1@example.com')).toEqual({ ok: true, created: true });
    expect(whole.outcomeOf('person2@example.com')).toMatchObject({ ok: false, responseCode: 400 });
    for (const id of ['bare', 'short', 'anonymous', 'stopped']) expect(byId.get(id), id).toBeNull();
  });

  it('ends a listing of batches without a next page, or with an empty one', async () => {
    const last = clientWith(() =>
      json(200, { batches: [{ batchID: 'b', status: 'pending', totalCount: 1 }] }),
    );
    expect((await last.client.listBatchOutcomes({ offset: 0, limit: 1 })).more).toBe(false);
    const empty = clientWith(() =>
      json(200, { batches: [], paging: { next: 'https://x.example/?offset=1' } }),
    );
    expect(await empty.client.listBatchOutcomes({ offset: 0, limit: 1 })).toEqual({
      batches: [],
      more: false,
    });
  });

  it('refuses a batch with a status it does not know', async () => {
    const { client } = clientWith(() => json(200, { batchID: 'b', status: 'exploded', totalCount: 1 }));
    expect(await caught(client.getBatchOutcome('b'))).toBeInstanceOf(UnexpectedResponseError);
  });

  it('adds and removes tags with POST and DELETE /contacts/tags', async () => {
    const { client, requests } = clientWith(() => new Response(null, { status: 202 }));
    await client.addTags(['a@example.com', 'b@example.com'], ['VIP customers']);
    await client.removeTags(['c@example.com'], ['VIP customers']);
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'POST /api/contacts/tags',
      'DELETE /api/contacts/tags',
    ]);
    expect(requests[0]?.json).toEqual({
      emails: ['a@example.com', 'b@example.com'],
      tags: ['VIP customers'],
    });
    expect(requests[1]?.json).toEqual({ emails: ['c@example.com'], tags: ['VIP customers'] });
    expect(requests[1]?.headers.get('content-type')).toBe('application/json');
  });

  it.each([
    ['no emails', [], ['t'], 'no-emails'],
    ['251 emails', Array.from({ length: 251 }, (_, i) => `p${i}@example.com`), ['t'], 'too-many-emails'],
    ['no tags', ['a@example.com'], [], 'no-tags'],
    ['101 tags', ['a@example.com'], Array.from({ length: 101 }, (_, i) => `t${i}`), 'too-many-tags'],
  ])('refuses a tag request with %s before sending it', async (_name, emails, tags, reason) => {
    const { client, requests } = clientWith(() => new Response(null, { status: 202 }));
    const error = await caught(client.addTags(emails, tags));
    expect((error as LocalValidationError).reason).toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('accepts 250 emails and 100 tags in one tag request', async () => {
    const { client, requests } = clientWith(() => new Response(null, { status: 202 }));
    const emails = Array.from({ length: 250 }, (_, i) => `p${i}@example.com`);
    await client.removeTags(
      emails,
      Array.from({ length: 100 }, (_, i) => `t${i}`),
    );
    expect(requests).toHaveLength(1);
  });

  it('finds a contact by email or answers null', async () => {
    const found = {
      id: 'c1',
      email: 'a+b@example.com',
      tags: ['x'],
      identifiers: [{ type: 'email', id: 'a+b@example.com' }],
    };
    const { client, requests } = clientWith((request) =>
      json(200, {
        contacts: request.url.searchParams.get('email') === 'a+b@example.com' ? [found] : null,
        paging: { hasMore: false, limit: 100, cursors: { after: null, before: null } },
      }),
    );
    const contactFound = await client.findContactByEmail('a+b@example.com');
    expect(contactFound).toMatchObject({ id: 'c1', tags: ['x'] });
    expect(requests[0]?.url.search).toBe('?email=a%2Bb%40example.com');
    expect(await client.findContactByEmail('nobody@example.com')).toBeNull();
  });

  it('lists contacts a page at a time, the next cursor only while Omnisend says there is more', async () => {
    const pages = [
      {
        contacts: [{ id: 'c1', email: 'a@example.com' }],
        paging: { hasMore: true, cursors: { after: 'n1' } },
      },
      {
        contacts: [{ id: 'c2', email: 'b@example.com' }],
        paging: { hasMore: false, cursors: { after: 'n2' } },
      },
      { contacts: [], paging: { hasMore: true, cursors: { after: 'n3' } } },
    ];
    const { client, requests } = clientWith(() => json(200, pages.shift()));
    const query = {
      limit: 250,
      sort: 'updatedAt',
      direction: 'asc',
      updatedAtFrom: '2026-11-01T00:00:00.000Z',
    } as const;
    expect(await client.listContacts(query)).toMatchObject({ contacts: [{ id: 'c1' }], after: 'n1' });
    expect(requests[0]?.url.searchParams.get('updatedAtFrom')).toBe('2026-11-01T00:00:00.000Z');
    expect(requests[0]?.url.searchParams.get('limit')).toBe('250');
    expect((await client.listContacts({ ...query, after: 'n1' })).after).toBeNull();
    expect(requests[1]?.url.searchParams.get('after')).toBe('n1');
    // An empty page ends a listing whatever `hasMore` says: it could not move on.
    expect((await client.listContacts({ ...query, after: 'n2' })).after).toBeNull();
  });

  it('checks the contact it found has an id', async () => {
    const { client } = clientWith(() => json(200, { contacts: [{ email: 'a@example.com' }] }));
    expect(await caught(client.findContactByEmail('a@example.com'))).toBeInstanceOf(UnexpectedResponseError);
  });

  it('describes the contact requests it may send, tags only as a list of 1 to 100', () => {
    expect(contactRequestSchema.safeParse(contact(1)).success).toBe(true);
    // Tags go in an upsert only for contacts proven new (the planner).
    expect(contactRequestSchema.safeParse({ ...contact(1), tags: ['x'] }).success).toBe(true);
    expect(contactRequestSchema.safeParse({ ...contact(1), tags: [] }).success).toBe(false);
    expect(contactRequestSchema.safeParse({ ...contact(1), gender: 'x' }).success).toBe(false);
    expect(contactRequestSchema.safeParse({ ...contact(1), birthdate: '02/05/1990' }).success).toBe(false);
    expect(contactRequestSchema.safeParse({ identifiers: [] }).success).toBe(false);
  });
});

describe('OmnisendClient failures', () => {
  it('turns a 401 into InvalidApiKeyError without ever quoting the key', async () => {
    const { client } = clientWith(() => problem(401, { detail: `Key ${API_KEY} is invalid` }));
    const error = await caught(client.getBrand());
    expect(error).toBeInstanceOf(InvalidApiKeyError);
    expect(error.requestId).toBe('urn:omnisend:request:401-0000');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(API_KEY);
  });

  it.each([
    ['getBrand', (c: OmnisendClient) => c.getBrand(), 'brands.read'],
    ['submitContactBatch', (c: OmnisendClient) => c.submitContactBatch([contact(1)]), 'contacts.write'],
    ['addTags', (c: OmnisendClient) => c.addTags(['a@example.com'], ['t']), 'contacts.write'],
    ['removeTags', (c: OmnisendClient) => c.removeTags(['a@example.com'], ['t']), 'contacts.write'],
    ['getBatchOutcome', (c: OmnisendClient) => c.getBatchOutcome('b'), 'contacts.read'],
    ['findContactByEmail', (c: OmnisendClient) => c.findContactByEmail('a@example.com'), 'contacts.read'],
  ])('names the permission %s needs when Omnisend answers 403', async (_op, call, scope) => {
    const { client } = clientWith(() => problem(403));
    const error = await caught(call(client));
    expect(error).toBeInstanceOf(MissingPermissionError);
    expect((error as MissingPermissionError).scope).toBe(scope);
  });

  it('types the other documented answers', async () => {
    const statuses: [number, ErrorClass][] = [
      [400, InvalidRequestError],
      [404, NotFoundError],
      [410, VersionRetiredError],
      [429, RateLimitedError],
      [500, ServerError],
    ];
    for (const [status, type] of statuses) {
      const { client } = clientWith(() => problem(status, { retryAfter: 3 }));
      const error = await caught(client.findContactByEmail('a@example.com'));
      expect(error).toBeInstanceOf(type);
      expect(error.status).toBe(status);
    }
  });

  it('reads the wait of a 429', async () => {
    const limited = clientWith(() =>
      problem(429, { type: 'https://problems.omnisend.com/rate-limit-exceeded', retryAfter: 42 }),
    );
    expect((await caught(limited.client.addTags(['a@example.com'], ['t']))).retryAfterMs).toBe(42_000);
  });

  it('reports a fetch that throws as a NetworkError', async () => {
    const cause = new TypeError('fetch failed');
    const { client } = clientWith(() => {
      throw cause;
    });
    const error = await caught(client.getBrand());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('gives up with a TimeoutError when no answer comes in time', async () => {
    const { client, requests } = clientWith(hang, { timeoutMs: 30 });
    const error = await caught(client.getBrand());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
    expect(requests[0]?.signal?.aborted).toBe(true);
  });

  it('gives up with a TimeoutError when the body stalls after the headers', async () => {
    const { client } = clientWith(stallBody, { timeoutMs: 30 });
    expect(await caught(client.getBrand())).toBeInstanceOf(TimeoutError);
  });

  it('rejects with the caller’s own reason when the caller aborts', async () => {
    const { client } = clientWith(hang);
    const controller = new AbortController();
    const pending = client.getBrand({ signal: controller.signal });
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(client.getBrand({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('refuses a key with characters no key has, without sending it', async () => {
    const broken = `${API_KEY}\n`;
    const fake = fakeFetch(() => json(200, brand));
    const client = new OmnisendClient({ apiKey: broken, fetch: fake.fetch });
    const error = await caught(client.getBrand());
    expect(error).toBeInstanceOf(InvalidApiKeyError);
    expect(error.message).not.toContain(API_KEY);
    expect(fake.requests).toHaveLength(0);
  });
});
