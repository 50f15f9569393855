import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { call, contactItem } from './omnisend-calls.ts';

describe('the Omnisend sandbox injects faults on demand', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox({ seed: 7, batchProcessingDelayMs: 10 });
  });
  afterEach(() => sandbox.faults.reset());
  afterAll(() => sandbox.close());

  const brand = () => call(sandbox, 'GET', '/brands/current');

  it('fails requests with 500 problems or 502/503 gateway pages before they take effect', async () => {
    sandbox.faults.serverErrorRate(1);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        call(sandbox, 'POST', '/contacts', { body: contactItem(`early${index}@example.com`) }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([500, 502, 503]));
    for (const answer of answers) {
      if (answer.status === 500)
        expect(answer.json).toMatchObject({ status: 500, title: 'Internal server error' });
      else expect(answer.headers.get('content-type')).toBe('text/html');
    }
    expect(sandbox.inspect.contactCount()).toBe(0);
    sandbox.faults.reset();
    expect((await brand()).status).toBe(200);
  });

  it('can fail the answer after the request took effect', async () => {
    sandbox.faults.serverErrorRate(1, { afterEffect: true });
    const answer = await call(sandbox, 'POST', '/contacts', { body: contactItem('late@example.com') });
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(sandbox.inspect.contact('late@example.com')).toBeDefined();
  });

  it('draws random faults from its seed, the same way every run', async () => {
    const statuses = async (target: OmnisendSandbox) => {
      target.faults.serverErrorRate(0.5);
      const result: number[] = [];
      for (let index = 0; index < 12; index++)
        result.push((await call(target, 'GET', '/brands/current')).status);
      return result;
    };
    const twin = await startOmnisendSandbox({ seed: 99 });
    const again = await startOmnisendSandbox({ seed: 99 });
    try {
      const first = await statuses(twin);
      expect(first.some((status) => status === 200)).toBe(true);
      expect(first.some((status) => status >= 500)).toBe(true);
      expect(await statuses(again)).toEqual(first);
    } finally {
      await twin.close();
      await again.close();
    }
  });

  it('delays answers and still applies a request whose caller gave up', async () => {
    sandbox.faults.latency(150);
    const started = performance.now();
    expect((await brand()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    const abandoned = sandbox.fetch('https://api.omnisend.com/api/contacts', {
      method: 'POST',
      headers: {
        Authorization: `Omnisend-API-Key ${sandbox.apiKey}`,
        'Omnisend-Version': '2026-03-15',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(contactItem('abandoned@example.com')),
      signal: AbortSignal.timeout(30),
    });
    await expect(abandoned).rejects.toMatchObject({ name: 'TimeoutError' });
    // The sandbox finishes the request its client gave up on; whenIdle waits for that.
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contact('abandoned@example.com')).toBeDefined();
  });

  it('drops connections without an answer, which fetch reports as a TypeError', async () => {
    sandbox.faults.dropConnections(1);
    await expect(brand()).rejects.toBeInstanceOf(TypeError);
    expect(sandbox.inspect.requestCounts()['GET /brands/current']?.[0]).toBeUndefined();
    expect(sandbox.inspect.requests().at(-1)).toMatchObject({ path: '/api/brands/current', status: 0 });

    sandbox.faults.dropConnections(1, { afterEffect: true });
    await expect(
      call(sandbox, 'POST', '/contacts', { body: contactItem('dropped@example.com') }),
    ).rejects.toThrow(TypeError);
    expect(sandbox.inspect.contact('dropped@example.com')).toBeDefined();
    expect(sandbox.inspect.requestCounts()['POST /contacts']?.[0]).toBe(1);
  });

  it('revokes a key after a number of further requests', async () => {
    const key = sandbox.addKey().key;
    sandbox.faults.revokeKeyAfter(2, key);
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      statuses.push((await call(sandbox, 'GET', '/brands/current', { apiKey: key })).status);
    }
    expect(statuses).toEqual([200, 200, 401, 401]);
    expect((await brand()).status).toBe(200);
  });

  it('keeps batches pending until told otherwise', async () => {
    sandbox.faults.keepBatchesPending(true);
    const created = await call(sandbox, 'POST', '/batches', {
      body: { endpoint: 'contacts', method: 'POST', items: [contactItem('held@example.com')] },
    });
    const { batchID } = created.json as { batchID: string };
    // Idle means the batch reached the point where it is held: it would have moved on by now.
    await sandbox.inspect.whenIdle();
    expect((await call(sandbox, 'GET', `/batches/${batchID}`)).json).toMatchObject({ status: 'pending' });
    sandbox.faults.keepBatchesPending(false);
    await sandbox.inspect.whenIdle();
    expect((await call(sandbox, 'GET', `/batches/${batchID}`)).json).toMatchObject({ status: 'finished' });
    expect(sandbox.inspect.contact('held@example.com')).toBeDefined();
  });

  it('answers a storm of 429s whatever the budget, then recovers', async () => {
    sandbox.faults.rateLimitStorm(3, 2);
    const answers = [await brand(), await brand(), await brand(), await brand()];
    expect(answers.map((answer) => answer.status)).toEqual([429, 429, 429, 200]);
    expect(answers[0]?.json).toMatchObject({
      type: 'https://problems.omnisend.com/rate-limit-exceeded',
      retryAfter: 2,
    });
  });

  it('saw no contract violation', () => {
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});

describe('the sandbox fetch', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox();
  });
  afterAll(() => sandbox.close());

  it('reaches only api.omnisend.com, as a TypeError like a failed fetch', async () => {
    await expect(sandbox.fetch('https://example.com/')).rejects.toBeInstanceOf(TypeError);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped by the worker'));
    await expect(
      sandbox.fetch('https://api.omnisend.com/api/brands/current', { signal: controller.signal }),
    ).rejects.toThrow('stopped by the worker');
    expect(sandbox.inspect.requests()).toEqual([]);
  });

  it('accepts a Request object and returns a real Response with its url', async () => {
    const response = await sandbox.fetch(
      new Request('https://api.omnisend.com/api/brands/current', {
        headers: { Authorization: `Omnisend-API-Key ${sandbox.apiKey}`, 'Omnisend-Version': '2026-03-15' },
      }),
    );
    expect(response).toBeInstanceOf(Response);
    expect(response.url).toBe('https://api.omnisend.com/api/brands/current');
    expect(await response.json()).toMatchObject({ brandID: sandbox.brandId });
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});
