import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EndpointClass,
  effectiveLimit,
  endpointClassOf,
  omnisendRateLimits,
  paddedLimits,
  RateBudget,
  type RateBudgetOptions,
  rateBudgetStateSchema,
} from '../../../src/core/rate-budget.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const WINDOW = 1000;

function budgetWith(clock: FakeClock, limit: number, extra: Partial<RateBudgetOptions> = {}): RateBudget {
  return new RateBudget({
    clock,
    limits: { default: { limit, windowMs: WINDOW }, tags: { limit, windowMs: WINDOW } },
    safetyMargin: 0,
    ...extra,
  });
}

/** The largest number of grants inside any half-open window [s, s + windowMs). */
function busiestWindow(grants: readonly number[], windowMs: number): number {
  const sorted = [...grants].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Starts one caller per arrival offset; resolves with the grant times in grant order. */
function arrive(
  clock: FakeClock,
  budget: RateBudget,
  arrivals: readonly number[],
  cls: EndpointClass = 'default',
) {
  const granted: { caller: number; at: number }[] = [];
  const all = arrivals.map(async (offset, caller) => {
    await clock.sleep(offset);
    await budget.acquire(cls);
    granted.push({ caller, at: clock.now() });
  });
  return { granted, done: Promise.all(all) };
}

describe('endpointClassOf', () => {
  it('puts /contacts/tags in the tags class whatever the method, prefix or query', () => {
    expect(endpointClassOf('POST', '/contacts/tags')).toBe('tags');
    expect(endpointClassOf('DELETE', '/api/contacts/tags/')).toBe('tags');
    expect(endpointClassOf('POST', 'https://api.omnisend.com/api/contacts/tags?x=1')).toBe('tags');
  });

  it('puts every other endpoint in the default class', () => {
    for (const path of [
      '/batches',
      '/batches/abc/items',
      '/contacts',
      '/contacts?tag=x',
      '/brands/current',
    ]) {
      expect(endpointClassOf('GET', path)).toBe('default');
    }
  });
});

describe('RateBudget', () => {
  it('keeps a safety margin below the published limits by default', () => {
    const budget = new RateBudget({ clock: new FakeClock() });
    expect(budget.effectiveLimitOf('default')).toEqual({ limit: 390, windowMs: 60_000 });
    expect(budget.effectiveLimitOf('tags')).toEqual({ limit: 58, windowMs: 60_000 });
    expect(budget.ratePerMinute('tags')).toBe(58);
    expect(effectiveLimit(1, 0.5)).toBe(1);
  });

  it('scales time with the window while keeping the counts', () => {
    const budget = new RateBudget({ clock: new FakeClock(), limits: omnisendRateLimits(1000) });
    expect(budget.effectiveLimitOf('default')).toEqual({ limit: 390, windowMs: 1000 });
    expect(budget.ratePerMinute('default')).toBe(390 * 60);
  });

  it('grants up to the limit at once, then one more each time an old grant leaves the window', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 3);
    const { granted, done } = arrive(clock, budget, [0, 0, 0, 0, 0, 0, 0]);
    await clock.run(done);
    expect(granted.map((g) => g.at)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it('keeps the classes apart', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 2);
    await clock.run(Promise.all([budget.acquire('default'), budget.acquire('default')]));
    const start = clock.now();
    await clock.run(budget.acquire('tags'));
    expect(clock.now()).toBe(start);
  });

  it('never exceeds the limit in any window and serves callers first come, first served, as early as allowed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 60 }),
        async (limit, arrivals) => {
          const clock = new FakeClock(0);
          const budget = budgetWith(clock, limit);
          const { granted, done } = arrive(clock, budget, arrivals);
          await clock.run(done);

          const times = granted.map((g) => g.at);
          expect(granted).toHaveLength(arrivals.length);
          expect(busiestWindow(times, WINDOW)).toBeLessThanOrEqual(limit);

          const order = arrivals
            .map((at, caller) => ({ at, caller }))
            .sort((a, b) => a.at - b.at || a.caller - b.caller);
          expect(granted.map((g) => g.caller)).toEqual(order.map((o) => o.caller));
          // Work-conserving: nobody waits longer than the window rule and the queue ahead demand.
          order.forEach((o, i) => {
            const earliest = Math.max(o.at, times[i - 1] ?? 0, i >= limit ? times[i - limit]! + WINDOW : 0);
            expect(times[i]).toBe(earliest);
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('stays within the limit when many callers ask at the same instant', async () => {
    const clock = new FakeClock(0);
    const budget = new RateBudget({ clock, limits: omnisendRateLimits(WINDOW) });
    const { granted, done } = arrive(
      clock,
      budget,
      Array.from({ length: 2000 }, () => 0),
    );
    await clock.run(done);
    expect(
      busiestWindow(
        granted.map((g) => g.at),
        WINDOW,
      ),
    ).toBe(390);
    expect(granted.at(-1)?.at).toBe(5000);
  });

  it('continues from a snapshot without bursting after a restart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 25 }),
        async (limit, before, downtime, after) => {
          const clock = new FakeClock(0);
          const first = budgetWith(clock, limit);
          const phase1 = arrive(clock, first, before);
          await clock.run(phase1.done);
          await clock.advance(downtime);

          const saved = rateBudgetStateSchema.parse(JSON.parse(JSON.stringify(first.snapshot())));
          const second = RateBudget.restore(saved, {
            clock,
            limits: { default: { limit, windowMs: WINDOW }, tags: { limit, windowMs: WINDOW } },
            safetyMargin: 0,
          });
          const phase2 = arrive(clock, second, after);
          await clock.run(phase2.done);

          const all = [...phase1.granted, ...phase2.granted].map((g) => g.at);
          expect(busiestWindow(all, WINDOW)).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('makes a restarted budget wait for the window its predecessor filled', async () => {
    const clock = new FakeClock(10_000);
    const first = budgetWith(clock, 2);
    await clock.run(Promise.all([first.acquire('tags'), first.acquire('tags')]));
    await clock.advance(300);
    const second = RateBudget.restore(first.snapshot(), {
      clock,
      limits: { tags: { limit: 2, windowMs: WINDOW } },
      safetyMargin: 0,
    });
    expect(second.estimateWaitMs('tags')).toBe(700);
    await clock.run(second.acquire('tags'));
    expect(clock.now()).toBe(11_000);
  });

  it('keeps only the last window in its snapshot', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 10);
    await budget.acquire('default');
    await clock.advance(600);
    await budget.acquire('default');
    await clock.advance(600);
    expect(budget.snapshot()).toEqual({
      version: 1,
      classes: { default: { grants: [600], penaltyUntil: 0 }, tags: { grants: [], penaltyUntil: 0 } },
    });
  });

  it('holds a class back for retryAfter after a 429, and only that class', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 100);
    budget.penalize('default', 5000);
    expect(budget.estimateWaitMs('default')).toBe(5000);
    const waiting = arrive(clock, budget, [0, 0, 100]);
    await clock.run(budget.acquire('tags'));
    expect(clock.now()).toBe(0);
    await clock.run(waiting.done);
    expect(waiting.granted.map((g) => g.at)).toEqual([5000, 5000, 5000]);
  });

  it('keeps a penalty that a restart happens in the middle of', async () => {
    const clock = new FakeClock(0);
    const first = budgetWith(clock, 100);
    first.penalize('tags', 3000);
    await clock.advance(1000);
    const second = RateBudget.restore(first.snapshot(), { clock, safetyMargin: 0 });
    await clock.run(second.acquire('tags'));
    expect(clock.now()).toBe(3000);
  });

  it('lengthens the wait of callers already queued when a penalty arrives', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 1);
    await budget.acquire('default');
    const { granted, done } = arrive(clock, budget, [0]);
    await clock.advance(500);
    budget.penalize('default', 2000);
    await clock.run(done);
    expect(granted[0]?.at).toBe(2500);
  });

  it('drops an aborted caller without taking its slot and keeps the order of the others', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 1);
    await budget.acquire('default');
    const controller = new AbortController();
    const order: string[] = [];
    const a = budget.acquire('default').then(() => order.push(`a@${clock.now()}`));
    const b = budget.acquire('default', controller.signal).catch((e: unknown) => {
      order.push(`b:${(e as Error).message}`);
    });
    const c = budget.acquire('default').then(() => order.push(`c@${clock.now()}`));
    expect(budget.queuedCount('default')).toBe(3);
    controller.abort(new Error('cancelled'));
    await clock.run(Promise.all([a, b, c]));
    expect(order).toEqual(['b:cancelled', 'a@1000', 'c@2000']);
    expect(budget.queuedCount('default')).toBe(0);
  });

  it('refuses at once a caller whose signal is already aborted', async () => {
    const budget = budgetWith(new FakeClock(0), 1);
    await expect(budget.acquire('default', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(budget.snapshot().classes.default.grants).toEqual([]);
  });

  it('estimates the wait of a new caller behind the queue', async () => {
    const clock = new FakeClock(0);
    const budget = budgetWith(clock, 2);
    const { done } = arrive(clock, budget, [0, 0, 0, 0, 0]);
    await clock.advance(0);
    expect(budget.queuedCount('default')).toBe(3);
    expect(budget.estimateWaitMs('default')).toBe(2000);
    await clock.run(done);
  });

  it('treats grants from a clock that went backwards as just made', async () => {
    const clock = new FakeClock(100_000);
    const state = {
      version: 1 as const,
      classes: {
        default: { grants: [150_000, 150_001], penaltyUntil: 0 },
        tags: { grants: [], penaltyUntil: 0 },
      },
    };
    const budget = RateBudget.restore(state, {
      clock,
      limits: { default: { limit: 2, windowMs: WINDOW } },
      safetyMargin: 0,
    });
    await clock.run(budget.acquire('default'));
    expect(clock.now()).toBe(101_000);
  });

  it('rejects limits it cannot enforce', () => {
    const clock = new FakeClock();
    expect(() => new RateBudget({ clock, safetyMargin: 1 })).toThrow(RangeError);
    expect(() => new RateBudget({ clock, limits: { tags: { limit: 0, windowMs: 1000 } } })).toThrow(
      RangeError,
    );
  });
});

describe('paddedLimits', () => {
  it("lengthens each window by its class's padding and keeps the counts", () => {
    expect(paddedLimits(omnisendRateLimits(1000))).toEqual({
      default: { limit: 400, windowMs: 1010 },
      tags: { limit: 60, windowMs: 1020 },
    });
  });

  it('lets a batch-bound run go at 96 % of the published limit, tag calls at 95 %', () => {
    const budget = new RateBudget({ clock: new FakeClock(), limits: paddedLimits(omnisendRateLimits()) });
    // 390 a 60.6 s window, 58 a 61.2 s one: what the safety margin and the padding leave.
    expect(budget.ratePerMinute('default') / 400).toBeCloseTo(0.9653, 4);
    expect(budget.ratePerMinute('tags') / 60).toBeCloseTo(0.9477, 4);
  });

  it('keeps two bursts a padded window apart, so a slow first burst cannot meet the second', () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, limits: paddedLimits(omnisendRateLimits(1000)), safetyMargin: 0 });
    for (let i = 0; i < 60; i++) void budget.acquire('tags');
    expect(budget.estimateWaitMs('tags')).toBe(1020);
  });
});
