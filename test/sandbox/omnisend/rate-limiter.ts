/**
 * Omnisend's gateway limit (omnisend-api.md §7.3): per brand and endpoint class, a sliding window
 * over the last 60 s, shared by every key of the brand. `timeScale` shrinks the window (60 → 1 s)
 * so that tests see the same counts per second instead of per minute.
 */

export type RateClass = 'default' | 'tags';

export const RATE_CLASSES: readonly RateClass[] = ['default', 'tags'];

/** 400/min by default; `/contacts/tags` POST and DELETE 60/min. */
export const DEFAULT_RATE_LIMITS: Record<RateClass, number> = { default: 400, tags: 60 };

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

/** A sliding-window log of admitted requests; refused requests do not take a slot. */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  #times: number[] = [];
  #head = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  admit(now: number): Admission {
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= now - this.#windowMs) {
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    if (this.#times.length - this.#head < this.#limit) {
      this.#times.push(now);
      return { admitted: true };
    }
    const oldest = this.#times[this.#head] ?? now;
    return { admitted: false, retryAfterMs: Math.max(1, oldest + this.#windowMs - now) };
  }
}

/**
 * `retryAfter` is an integer number of seconds (RateLimitProblem). The sandbox reports the wait
 * on its own, scaled clock rounded up: at timeScale 60 a wait of 400 ms is `retryAfter: 1`.
 */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** The class a documented operation belongs to. */
export function rateClassOf(template: string): RateClass {
  return template === '/contacts/tags' ? 'tags' : 'default';
}

/** The most requests inside any window of `windowMs` among sorted times (two pointers). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[start] ?? 0) <= (times[end] ?? 0) - windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
