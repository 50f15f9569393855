import { describe, expect, it } from 'vitest';
import { omnisendRateLimits, RateBudget } from '../../../src/core/rate-budget.ts';
import {
  BudgetedOmnisendClient,
  type BudgetedOmnisendClientOptions,
  type RetryEvent,
} from '../../../src/omnisend/budgeted-client.ts';
import { OmnisendClient } from '../../../src/omnisend/client.ts';
import {
  InvalidRequestError,
  LocalValidationError,
  NetworkError,
  type OmnisendError,
  ServerError,
} from '../../../src/omnisend/errors.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { fakeFetch, type Handler, json } from '../../support/fake-fetch.ts';
import { brand, problem } from './answers.ts';

const WINDOW = 1000;

function setup(
  handler: Handler,
  options: Partial<BudgetedOmnisendClientOptions> & {
    limits?: ConstructorParameters<typeof RateBudget>[0]['limits'];
  } = {},
) {
  const clock = new FakeClock(0);
  const fake = fakeFetch(handler);
  const budget = new RateBudget({
    clock,
    limits: options.limits ?? omnisendRateLimits(WINDOW),
    safetyMargin: 0,
  });
  const events: RetryEvent[] = [];
  const client = new BudgetedOmnisendClient({
    client: new OmnisendClient({ apiKey: 'key-123', fetch: fake.fetch }),
    budget,
    clock,
    random: () => 0.5,
    onRetry: (event) => events.push(event),
    ...options,
  });
  return { clock, budget, client, requests: fake.requests, events };
}

/** A handler that answers from a script, one response per request, then repeats the last. */
function script(...responses: (() => Response)[]): Handler {
  let i = 0;
  return () => {
    const next = responses[Math.min(i, responses.length - 1)]!;
    i++;
    return next();
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('BudgetedOmnisendClient', () => {
  it('retries server errors with jittered backoff until one succeeds', async () => {
    const times: number[] = [];
    const { clock, client, events } = setup(() => {
      times.push(clock.now());
      return times.length < 3 ? problem(503) : json(200, brand);
    });
    await expect(clock.run(client.getBrand())).resolves.toMatchObject({ brandID: brand.brandID });
    // random 0.5: half of 500 ms, then half of 1000 ms.
    expect(times).toEqual([0, 250, 750]);
    expect(client.stats).toEqual({
      requests: 3,
      requestsByClass: { default: 3, tags: 0 },
      retries: 2,
      rateLimited: 0,
    });
    expect(events.map((e) => [e.attempt, e.delayMs, e.error.code])).toEqual([
      [1, 250, 'omnisend.server-error'],
      [2, 500, 'omnisend.server-error'],
    ]);
  });

  it('waits the retryAfter of a 429 and holds back every caller of that class meanwhile', async () => {
    const seen: { path: string; at: number }[] = [];
    let limited = false;
    const { clock, client } = setup((request) => {
      seen.push({ path: request.url.pathname, at: clock.now() });
      if (!limited && request.url.pathname === '/api/batches/b1/items') {
        limited = true;
        return problem(429, { retryAfter: 2 });
      }
      return json(200, { batchID: 'b', status: 'finished', totalCount: 1 });
    });
    const first = client.getBatchOutcome('b1');
    await clock.advance(10);
    const second = client.getBatchOutcome('b2');
    await clock.run(Promise.all([first, second]));
    expect(seen).toEqual([
      { path: '/api/batches/b1/items', at: 0 },
      { path: '/api/batches/b1/items', at: 2000 },
      { path: '/api/batches/b2/items', at: 2000 },
    ]);
    expect(client.stats.rateLimited).toBe(1);
  });

  it("counts a listing of the brand's batches against the default budget, retried like any request", async () => {
    let n = 0;
    const { clock, client } = setup(() =>
      n++ === 0 ? problem(503) : json(200, { batches: [{ batchID: 'b', status: 'pending', totalCount: 1 }] }),
    );
    const page = await clock.run(client.listBatchOutcomes({ offset: 0, limit: 25 }));
    expect(page).toEqual({ batches: [{ batchID: 'b', outcome: { settled: false } }], more: false });
    expect(client.stats).toMatchObject({ requests: 2, requestsByClass: { default: 2, tags: 0 }, retries: 1 });
  });

  it('waits one window after a 429 that does not say how long, unless told otherwise', async () => {
    const answers = () => {
      let n = 0;
      return () => (n++ === 0 ? problem(429) : new Response(null, { status: 202 }));
    };
    const scaled = setup(answers());
    await scaled.clock.run(scaled.client.addTags(['a@example.com'], ['t']));
    expect(scaled.clock.now()).toBe(WINDOW);

    const configured = setup(answers(), { retryPolicy: { defaultRetryAfterMs: 300 } });
    await configured.clock.run(configured.client.addTags(['a@example.com'], ['t']));
    expect(configured.clock.now()).toBe(300);
  });

  it('does not retry a request Omnisend refused, and keeps its request id', async () => {
    const { clock, client, requests } = setup(() =>
      problem(400, {
        instance: 'urn:omnisend:request:abc',
        errors: [{ field: 'items', code: 'required', message: 'x' }],
      }),
    );
    const error = await clock.run(
      rejection(client.submitContactBatch([{ identifiers: [{ type: 'email', id: 'a@b.co' }] }])),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(1);
    expect(client.lastErrorRequestId).toBe('urn:omnisend:request:abc');
    expect(client.stats.retries).toBe(0);
  });

  it('gives up with the last typed error after the allowed attempts', async () => {
    const { clock, client, requests } = setup(() => problem(500), { retryPolicy: { maxAttempts: 3 } });
    const error = await clock.run(rejection(client.getBatchOutcome('b')));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as OmnisendError).retryable).toBe(true);
    expect(requests).toHaveLength(3);
  });

  it('recovers from a dropped connection', async () => {
    const { clock, client } = setup(
      script(
        () => {
          throw new TypeError('socket hang up');
        },
        () => json(200, { contacts: [] }),
      ),
    );
    await expect(clock.run(client.findContactByEmail('a@example.com'))).resolves.toBeNull();
    expect(client.lastError).toBeInstanceOf(NetworkError);
    expect(client.stats.requests).toBe(2);
  });

  it('paces tag calls by the tags budget and everything else by the default budget', async () => {
    const tagTimes: number[] = [];
    const { clock, client } = setup(
      (request) => {
        if (request.url.pathname.endsWith('/contacts/tags')) tagTimes.push(clock.now());
        return request.url.pathname.endsWith('/contacts/tags')
          ? new Response(null, { status: 202 })
          : json(200, brand);
      },
      { limits: { default: { limit: 100, windowMs: WINDOW }, tags: { limit: 2, windowMs: WINDOW } } },
    );
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => client.addTags([`p${i}@example.com`], ['t'])),
      ...Array.from({ length: 5 }, () => client.getBrand()),
    ];
    await clock.run(Promise.all(calls));
    expect(tagTimes).toEqual([0, 0, 1000, 1000, 2000]);
    expect(client.stats.requestsByClass).toEqual({ default: 5, tags: 5 });
  });

  it('refuses a request over a limit without taking a slot of the budget', async () => {
    const { client, budget, requests } = setup(() => json(201, { batchID: 'b', totalCount: 1 }));
    await expect(client.submitContactBatch([])).rejects.toThrow(LocalValidationError);
    const emails = Array.from({ length: 251 }, (_, i) => `${i}@x.io`);
    await expect(client.removeTags(emails, ['t'])).rejects.toThrow(LocalValidationError);
    expect(requests).toHaveLength(0);
    expect(client.stats.requests).toBe(0);
    expect(budget.snapshot().classes).toEqual({
      default: { grants: [], penaltyUntil: 0 },
      tags: { grants: [], penaltyUntil: 0 },
    });
  });

  it('stops waiting when the caller aborts during a backoff', async () => {
    const { clock, client, requests } = setup(() => problem(502));
    const controller = new AbortController();
    const pending = rejection(client.getBrand({ signal: controller.signal }));
    await clock.advance(100);
    controller.abort(new Error('paused'));
    await expect(clock.run(pending)).resolves.toEqual(new Error('paused'));
    expect(requests).toHaveLength(1);
  });
});
