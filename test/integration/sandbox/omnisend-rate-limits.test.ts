import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { call } from './omnisend-calls.ts';

interface RateLimitProblem {
  type: string;
  status: number;
  retryAfter: number;
}

describe('the Omnisend sandbox limits each brand in a sliding window', () => {
  let sandbox: OmnisendSandbox;
  let secondKey: string;
  let otherBrandKey: string;

  beforeAll(async () => {
    // At real time: a burst of requests on a loaded machine could outlast a scaled window.
    sandbox = await startOmnisendSandbox({
      rateLimits: { default: 20 },
      brands: [{ keys: [{}, {}] }, { name: 'Other brand' }],
    });
    secondKey = sandbox.brands[0]?.keys[1]?.key ?? '';
    otherBrandKey = sandbox.brands[1]?.keys[0]?.key ?? '';
  });
  afterAll(() => sandbox.close());

  it('answers 429 with retryAfter once the keys of one brand together exceed the budget', async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        call(sandbox, 'GET', '/brands/current', { apiKey: index % 2 === 0 ? sandbox.apiKey : secondKey }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const refused = answers.find((answer) => answer.status === 429)?.json as RateLimitProblem;
    expect(refused).toMatchObject({ type: 'https://problems.omnisend.com/rate-limit-exceeded', status: 429 });
    expect(Number.isInteger(refused.retryAfter)).toBe(true);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(59);
    expect(sandbox.inspect.count429()).toBe(5);
    expect(sandbox.inspect.maxRequestsInAnyWindow('default')).toBe(25);

    const otherBrand = await call(sandbox, 'GET', '/brands/current', { apiKey: otherBrandKey });
    expect(otherBrand.status).toBe(200);
  });

  it('saw no contract violation', () => {
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});

describe('the Omnisend sandbox, a fresh one per case', () => {
  it('reports retryAfter in seconds until the oldest request leaves the minute window', async () => {
    const sandbox = await startOmnisendSandbox({ rateLimits: { default: 2 } });
    try {
      await call(sandbox, 'GET', '/brands/current');
      await call(sandbox, 'GET', '/brands/current');
      const refused = await call(sandbox, 'GET', '/brands/current');
      expect(refused.status).toBe(429);
      const { retryAfter } = refused.json as RateLimitProblem;
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(sandbox.inspect.contractViolations()).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('admits requests again once the window has slid past them', async () => {
    // timeScale 60: the same counts per second instead of per minute.
    const sandbox = await startOmnisendSandbox({ timeScale: 60, rateLimits: { default: 2 } });
    onTestFinished(() => sandbox.close());
    await call(sandbox, 'GET', '/brands/current');
    await call(sandbox, 'GET', '/brands/current');
    const refused = await call(sandbox, 'GET', '/brands/current');
    expect(refused.status).toBe(429);
    // At timeScale 60 the wait is under a second; retryAfter stays an integer: 1.
    expect((refused.json as RateLimitProblem).retryAfter).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call(sandbox, 'GET', '/brands/current')).status).toBe(200);
  });

  it('gives /contacts/tags its own budget of 60 per minute', async () => {
    const sandbox = await startOmnisendSandbox();
    onTestFinished(() => sandbox.close());
    const body = { emails: ['someone@example.com'], tags: ['Segment'] };
    const answers = await Promise.all(
      Array.from({ length: 61 }, () => call(sandbox, 'POST', '/contacts/tags', { body })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(60);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect((await call(sandbox, 'GET', '/brands/current')).status).toBe(200);
    expect(sandbox.inspect.requestCounts()['POST /contacts/tags']).toEqual({ 202: 60, 429: 1 });
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});
