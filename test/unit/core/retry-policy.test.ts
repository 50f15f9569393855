import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  decideRetry,
  defaultRetryPolicy,
  type FailureInfo,
  type RetryDecision,
} from '../../../src/core/retry-policy.ts';

const half = () => 0.5;

describe('decideRetry', () => {
  const table: [string, FailureInfo, number, RetryDecision][] = [
    [
      'waits what a 429 asked for',
      { kind: 'rate-limited', retryAfterMs: 7000 },
      1,
      { retry: true, delayMs: 7000 },
    ],
    [
      'waits a full window after a 429 that gave no time',
      { kind: 'rate-limited' },
      1,
      { retry: true, delayMs: 60_000 },
    ],
    [
      'honours a 429 that asks for no wait',
      { kind: 'rate-limited', retryAfterMs: 0 },
      3,
      { retry: true, delayMs: 0 },
    ],
    ['backs off after a first server error', { kind: 'server' }, 1, { retry: true, delayMs: 250 }],
    ['doubles the backoff ceiling each attempt', { kind: 'network' }, 3, { retry: true, delayMs: 1000 }],
    ['backs off after a timeout', { kind: 'timeout' }, 2, { retry: true, delayMs: 500 }],
    ['caps the backoff', { kind: 'server' }, 7, { retry: true, delayMs: 15_000 }],
    ['never retries a client error', { kind: 'client' }, 1, { retry: false }],
    ['gives up on a server error at the last attempt', { kind: 'server' }, 8, { retry: false }],
    [
      'gives up on a 429 at the last attempt',
      { kind: 'rate-limited', retryAfterMs: 1000 },
      8,
      { retry: false },
    ],
  ];

  it.each(table)('%s', (_name, failure, attempt, expected) => {
    expect(decideRetry(failure, attempt, half)).toEqual(expected);
  });

  it('takes the number of attempts from its options', () => {
    const options = { ...defaultRetryPolicy, maxAttempts: 2 };
    expect(decideRetry({ kind: 'network' }, 1, half, options).retry).toBe(true);
    expect(decideRetry({ kind: 'network' }, 2, half, options).retry).toBe(false);
  });

  it('keeps every backoff between zero and the capped exponential ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelayMs(attempt, () => r);
          const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(ceiling, 1));
        },
      ),
    );
  });

  it('spreads the delays of clients that fail together', () => {
    const delays = new Set([0.1, 0.4, 0.7, 0.95].map((r) => backoffDelayMs(5, () => r)));
    expect(delays.size).toBe(4);
  });
});
