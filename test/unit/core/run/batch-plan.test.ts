import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { packBatches, packedBytes, planBatch } from '../../../../src/core/run/batch-plan.ts';

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

describe('packing queued contacts into batches', () => {
  test('fills the open batch first, then new batches of 100', () => {
    expect(
      packBatches(Array(250).fill(120), limits, { items: 60, bytes: packedBytes(Array(60).fill(120)) }),
    ).toEqual({
      topUp: 40,
      batches: [100, 100, 10],
    });
    expect(packBatches(Array(250).fill(120), limits, null)).toEqual({ topUp: 0, batches: [100, 100, 50] });
    expect(packBatches(Array(3).fill(120), limits, { items: 100, bytes: 12_099 })).toEqual({
      topUp: 0,
      batches: [3],
    });
  });

  test('tops the open batch up only with what still fits its body, comma included', () => {
    // 49 + 999 000 + a comma + 950 = 1 000 000: fits; one byte more does not.
    expect(packBatches([950], limits, { items: 1, bytes: 999_000 })).toEqual({ topUp: 1, batches: [] });
    expect(packBatches([951], limits, { items: 1, bytes: 999_000 })).toEqual({ topUp: 0, batches: [1] });
  });

  test('every batch respects both limits, keeps the order and holds every item once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300_000 }), { maxLength: 400 }),
        fc.option(
          fc.record({ items: fc.integer({ min: 1, max: 100 }), size: fc.integer({ min: 1, max: 9_000 }) }),
        ),
        (sizes, open) => {
          const start = open && { items: open.items, bytes: open.items * open.size + open.items - 1 };
          const { topUp, batches } = packBatches(sizes, limits, start);
          expect(topUp + batches.reduce((a, b) => a + b, 0)).toBe(sizes.length);
          const body = (items: number[]) => limits.envelopeBytes + packedBytes(items);
          if (start && topUp > 0) {
            expect(start.items + topUp).toBeLessThanOrEqual(limits.maxItems);
            expect(
              limits.envelopeBytes + start.bytes + 1 + packedBytes(sizes.slice(0, topUp)),
            ).toBeLessThanOrEqual(limits.maxBytes);
          }
          let at = topUp;
          for (const count of batches) {
            expect(count).toBeGreaterThan(0);
            expect(count).toBeLessThanOrEqual(limits.maxItems);
            expect(body(sizes.slice(at, at + count))).toBeLessThanOrEqual(limits.maxBytes);
            at += count;
          }
        },
      ),
    );
  });
});
