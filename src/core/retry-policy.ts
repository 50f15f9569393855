/**
 * Whether and when to try a failed request again (DESIGN.md §5). Pure: the caller passes the
 * failure, how many attempts were made and a source of randomness.
 *
 * - rate-limited (429): wait what the server said (`retryAfter`), else `defaultRetryAfterMs`.
 * - server (5xx), network, timeout: exponential backoff with full jitter, so that many clients
 *   failing together do not come back together
 *   (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 * - client (other 4xx, a body we do not understand): never – the same request fails again.
 */

export type FailureKind = 'rate-limited' | 'server' | 'network' | 'timeout' | 'client';

export interface FailureInfo {
  kind: FailureKind;
  /** For `rate-limited`: how long the server asked us to wait. */
  retryAfterMs?: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export interface RetryPolicyOptions {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait after a 429 that did not say how long: one full 60 s window always clears a sliding one. */
  defaultRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicyOptions = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  defaultRetryAfterMs: 60_000,
};

/**
 * @param attempt attempts made so far, including the one that just failed (1 after the first).
 * @param random a number in [0, 1), like `Math.random`.
 */
export function decideRetry(
  failure: FailureInfo,
  attempt: number,
  random: () => number,
  options: RetryPolicyOptions = defaultRetryPolicy,
): RetryDecision {
  if (failure.kind === 'client' || attempt >= options.maxAttempts) return { retry: false };
  if (failure.kind === 'rate-limited') {
    const wait = failure.retryAfterMs;
    return { retry: true, delayMs: wait !== undefined && wait >= 0 ? wait : options.defaultRetryAfterMs };
  }
  return { retry: true, delayMs: backoffDelayMs(attempt, random, options) };
}

/** Full jitter: uniform in [0, min(cap, base · 2^(attempt−1))). */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  options: Pick<RetryPolicyOptions, 'baseDelayMs' | 'maxDelayMs'> = defaultRetryPolicy,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}
