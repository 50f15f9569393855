import { expect, test } from 'vitest';
import { planFloors } from '../../../../src/core/run/plan-floor.ts';

const limits = { default: 390, tags: 58 };

test("a fresh brand's million: batches alone against 4,000 tag calls", () => {
  const floors = planFloors({ sent: 1_000_000, tagsInItems: 1_000_000, tagLaneAdds: 0, untagged: 0 }, limits);
  expect(floors).toMatchObject({ batches: 10_000, tagCalls: 0, tagBoundTagCalls: 4000 });
  // 10,000 submissions and 400 listings (25 batches settled by each) at 390 a minute, against
  // 4,000 tag calls at 58 a minute.
  expect(floors.plannedMs).toBeCloseTo((10_400 / 390) * 60_000);
  expect(floors.tagBoundMs).toBeCloseTo((4000 / 58) * 60_000);
  expect(floors.plannedMs / floors.tagBoundMs).toBeLessThan(0.45);
});

test('a brand that holds the segment already: both plans are the tag-bound one', () => {
  const floors = planFloors({ sent: 1000, tagsInItems: 0, tagLaneAdds: 100_000, untagged: 250 }, limits);
  expect(floors.tagCalls).toBe(401);
  expect(floors.plannedMs).toBe(floors.tagBoundMs);
});
