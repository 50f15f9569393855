import { z } from 'zod';
import { abortReason, type Clock } from './clock.ts';

/**
 * Client-side pacing for Omnisend's per-brand rate limits (DESIGN.md §5; omnisend-api.md §7.3).
 *
 * Omnisend counts requests per brand in a sliding 60 s window, per endpoint class: 400/min for
 * most endpoints, 60/min for `/contacts/tags`. One `RateBudget` per brand, shared by every run and
 * key of that brand, hands out request slots so that no window of `windowMs` ever holds more than
 * the class's effective limit. Callers wait in FIFO order; a 429 pushes the class back by the
 * server's `retryAfter`; `snapshot()`/`restore()` carry the recent grants across worker restarts
 * so that a restarted worker does not burst into a window that is already full.
 */

export const endpointClasses = ['default', 'tags'] as const;
export type EndpointClass = (typeof endpointClasses)[number];

export interface ClassLimit {
  /** Requests Omnisend allows per window. */
  limit: number;
  windowMs: number;
}

/** Omnisend's published limits; `windowMs` scales time (1000 = the sandbox's "×60" mode). */
export function omnisendRateLimits(windowMs = 60_000): Record<EndpointClass, ClassLimit> {
  return { default: { limit: 400, windowMs }, tags: { limit: 60, windowMs } };
}

/**
 * Fraction of each limit we leave unused. Omnisend counts a request when it arrives, we count it
 * when we send it: latency that varies by δ between two requests lets requests we sent a full
 * window apart land inside one gateway window. Keeping 2.5 % back (390 of 400, 58 of 60) absorbs
 * about 1.5 s of such jitter at full speed, and clock granularity, at a cost of a few percent of
 * throughput – cheaper than one 429 and its `retryAfter` pause.
 */
export const DEFAULT_SAFETY_MARGIN = 0.025;

/**
 * Fraction of each class's window by which to lengthen it. The count margin alone does not help
 * when it is only a request or two: a burst sent the moment the previous one leaves our window can
 * overtake that one's stragglers on the wire and land in the same gateway window (seen against the
 * sandbox: 61 tag calls in one window, where the margin leaves 2 of 60). Counting tag calls over a
 * window 2 % longer (61.2 s at real scale) keeps bursts a full window apart on arrival. The other
 * endpoints' margin is 10 requests – 1.5 s of sending at full speed – so their window is lengthened
 * by 1 % only: against the sandbox at twice Omnisend's speed, requests arrived up to 0.85 s later
 * than their slot (393 in one window, none refused), and every further percent costs a percent of
 * a batch-bound run's speed (issue #10).
 */
export const DEFAULT_WINDOW_PADDING: Record<EndpointClass, number> = { default: 0.01, tags: 0.02 };

/** Limits whose windows are lengthened by `padding` (see DEFAULT_WINDOW_PADDING). */
export function paddedLimits(
  limits: Record<EndpointClass, ClassLimit>,
  padding: Record<EndpointClass, number> = DEFAULT_WINDOW_PADDING,
): Record<EndpointClass, ClassLimit> {
  const pad = (cls: EndpointClass) => ({
    limit: limits[cls].limit,
    windowMs: limits[cls].windowMs * (1 + padding[cls]),
  });
  return { default: pad('default'), tags: pad('tags') };
}

export function effectiveLimit(limit: number, safetyMargin: number): number {
  return Math.max(1, Math.floor(limit * (1 - safetyMargin)));
}

/** `/contacts/tags` (POST add, DELETE remove) has its own 60/min budget; the rest shares 400/min. */
export function endpointClassOf(_method: string, path: string): EndpointClass {
  const pathOnly = (path.split(/[?#]/, 1)[0] ?? '').replace(/\/+$/, '');
  return pathOnly.endsWith('/contacts/tags') ? 'tags' : 'default';
}

const classStateSchema = z.object({
  /** Grant times (ms since epoch) inside the last window, oldest first. */
  grants: z.array(z.number().finite()),
  /** No grant before this time (ms since epoch); 0 when no 429 is pending. */
  penaltyUntil: z.number().finite(),
});

export const rateBudgetStateSchema = z.object({
  version: z.literal(1),
  classes: z.object({ default: classStateSchema, tags: classStateSchema }),
});
export type RateBudgetState = z.infer<typeof rateBudgetStateSchema>;

export interface RateBudgetOptions {
  clock: Clock;
  limits?: Partial<Record<EndpointClass, ClassLimit>>;
  /** See DEFAULT_SAFETY_MARGIN. */
  safetyMargin?: number;
}

interface Waiter {
  grant(): void;
}

class Lane {
  grants: number[] = [];
  penaltyUntil = 0;
  readonly queue: Waiter[] = [];
  pumping = false;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Forgets grants that can no longer matter at `now` or later. */
  prune(now: number): void {
    const last = this.grants.at(-1);
    if (last !== undefined && last > now) {
      // The clock went backwards: count those grants as just made rather than block until a
      // "future" window passes.
      this.grants = this.grants.map((g) => Math.min(g, now));
    }
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (
      drop < this.grants.length &&
      (this.grants[drop]! <= cutoff || this.grants.length - drop > this.limit)
    ) {
      drop++;
    }
    if (drop > 0) this.grants.splice(0, drop);
  }

  /**
   * Earliest time ≥ now at which one more grant keeps every window (t − windowMs, t] at or below
   * the limit: with the grants sorted, the grant `limit` places back must have left the window.
   */
  nextAllowedAt(now: number): number {
    this.prune(now);
    return Math.max(now, this.penaltyUntil, this.windowEdge(this.grants));
  }

  windowEdge(grants: readonly number[]): number {
    return grants.length >= this.limit ? grants[grants.length - this.limit]! + this.windowMs : 0;
  }
}

export class RateBudget {
  readonly #clock: Clock;
  readonly #lanes: Record<EndpointClass, Lane>;
  readonly #limits: Record<EndpointClass, ClassLimit>;

  constructor(options: RateBudgetOptions) {
    this.#clock = options.clock;
    const margin = options.safetyMargin ?? DEFAULT_SAFETY_MARGIN;
    if (!(margin >= 0 && margin < 1)) throw new RangeError('safetyMargin must be in [0, 1)');
    const published = omnisendRateLimits();
    this.#limits = { ...published, ...options.limits };
    const lane = (cls: EndpointClass) => {
      const { limit, windowMs } = this.#limits[cls];
      if (!(limit >= 1 && windowMs > 0)) throw new RangeError(`invalid rate limit for ${cls}`);
      return new Lane(effectiveLimit(limit, margin), windowMs);
    };
    this.#lanes = { default: lane('default'), tags: lane('tags') };
  }

  /** A budget that continues from a snapshot, so a restarted worker does not burst. */
  static restore(state: RateBudgetState, options: RateBudgetOptions): RateBudget {
    const budget = new RateBudget(options);
    const now = options.clock.now();
    for (const cls of endpointClasses) {
      const lane = budget.#lanes[cls];
      const saved = state.classes[cls];
      lane.grants = saved.grants.filter((g) => Number.isFinite(g)).sort((a, b) => a - b);
      lane.penaltyUntil = saved.penaltyUntil;
      lane.prune(now);
    }
    return budget;
  }

  /**
   * Waits until a request of class `cls` may be sent and records it as sent. Callers are served
   * in the order they called. Rejects with the signal's reason if `signal` aborts first; an
   * aborted caller takes no slot.
   */
  acquire(cls: EndpointClass, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const lane = this.#lanes[cls];
    const now = this.#clock.now();
    if (lane.queue.length === 0 && lane.nextAllowedAt(now) <= now) {
      lane.grants.push(now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = lane.queue.indexOf(waiter);
        if (index >= 0) lane.queue.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
      };
      const waiter: Waiter = {
        grant() {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.queue.push(waiter);
      void this.#pump(lane);
    });
  }

  /** After a 429: no request of this class before `retryAfterMs` from now. */
  penalize(cls: EndpointClass, retryAfterMs: number): void {
    const lane = this.#lanes[cls];
    lane.penaltyUntil = Math.max(lane.penaltyUntil, this.#clock.now() + Math.max(0, retryAfterMs));
  }

  /**
   * How long a request of class `cls` asked for now would wait, given the callers already queued
   * and assuming no further 429. For ETAs.
   */
  estimateWaitMs(cls: EndpointClass): number {
    const lane = this.#lanes[cls];
    const now = this.#clock.now();
    lane.prune(now);
    const grants = [...lane.grants];
    let at = now;
    for (let i = 0; i <= lane.queue.length; i++) {
      at = Math.max(at, lane.penaltyUntil, lane.windowEdge(grants));
      grants.push(at);
    }
    return at - now;
  }

  /** Sustained requests per minute this budget lets through for `cls` (for ETAs). */
  ratePerMinute(cls: EndpointClass): number {
    const lane = this.#lanes[cls];
    return (lane.limit * 60_000) / lane.windowMs;
  }

  /** The limit this budget actually enforces for `cls`, after the safety margin. */
  effectiveLimitOf(cls: EndpointClass): ClassLimit {
    const lane = this.#lanes[cls];
    return { limit: lane.limit, windowMs: lane.windowMs };
  }

  /** Callers currently waiting for `cls`. */
  queuedCount(cls: EndpointClass): number {
    return this.#lanes[cls].queue.length;
  }

  /** Plain JSON: the grants of the last window and any pending penalty, per class. */
  snapshot(): RateBudgetState {
    const now = this.#clock.now();
    const classState = (cls: EndpointClass) => {
      const lane = this.#lanes[cls];
      lane.prune(now);
      return { grants: [...lane.grants], penaltyUntil: lane.penaltyUntil > now ? lane.penaltyUntil : 0 };
    };
    return { version: 1, classes: { default: classState('default'), tags: classState('tags') } };
  }

  /**
   * Serves the queue head whenever a slot is free. Waiting is safe to do in one long sleep:
   * while it sleeps the next permitted time can only move later (grants and penalties only add),
   * so it re-checks on waking and never oversleeps.
   */
  async #pump(lane: Lane): Promise<void> {
    if (lane.pumping) return;
    lane.pumping = true;
    try {
      while (lane.queue.length > 0) {
        const now = this.#clock.now();
        const at = lane.nextAllowedAt(now);
        if (at <= now) {
          lane.grants.push(now);
          lane.queue.shift()!.grant();
        } else {
          await this.#clock.sleep(at - now);
        }
      }
    } finally {
      lane.pumping = false;
    }
  }
}
