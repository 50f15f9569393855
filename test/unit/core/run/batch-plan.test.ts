import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planBatch } from '../../../../src/core/run/batch-plan.ts';

const limits = { maxItems: 100, maxBytes: 1_000_000, envelopeBytes: 49 };

describe('batch planning', () => {
  test('an empty queue plans nothing', () => {
    expect(planBatch([], limits)).toEqual({ kind: 'empty' });
  });

  test('takes at most 100 items however small they are', () => {
    expect(planBatch(Array(250).fill(120), limits)).toEqual({ kind: 'send', take: 100 });
    expect(planBatch(Array(37).fill(120), limits)).toEqual({ kind: 'send', take: 37 });
  });

  test('stops before the body would pass the byte limit, counting the envelope and commas', () => {
    // 49 + 3 × 300 000 + 2 commas = 900 051; a fourth item would pass 1 000 000.
    expect(planBatch([300_000, 300_000, 300_000, 300_000], limits)).toEqual({ kind: 'send', take: 3 });
    // Exactly at the limit is allowed: 49 + 999 951 = 1 000 000.
    expect(planBatch([999_951, 1], limits)).toEqual({ kind: 'send', take: 1 });
  });

  test('a single item larger than a batch may be is reported, not sent', () => {
    expect(planBatch([999_952, 10], limits)).toEqual({ kind: 'oversized' });
  });

  test('every plan respects both limits and takes as many items as fit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 300 }),
        (sizes) => {
          const plan = planBatch(sizes, limits);
          if (plan.kind !== 'send') return sizes[0]! + limits.envelopeBytes > limits.maxBytes;
          const body = (n: number) =>
            limits.envelopeBytes + sizes.slice(0, n).reduce((a, b) => a + b, 0) + n - 1;
          const fits = plan.take <= limits.maxItems && body(plan.take) <= limits.maxBytes;
          const maximal =
            plan.take === Math.min(sizes.length, limits.maxItems) || body(plan.take + 1) > limits.maxBytes;
          return fits && maximal;
        },
      ),
    );
  });
});
