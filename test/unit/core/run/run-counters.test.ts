import { describe, expect, test } from 'vitest';
import {
  addCounts,
  emptyCounters,
  runCounterNames,
  runCountersSchema,
} from '../../../../src/core/run/run-counters.ts';

describe('run counters', () => {
  test('start at zero for every counter', () => {
    const counters = emptyCounters();
    expect(Object.keys(counters).sort()).toEqual([...runCounterNames].sort());
    expect(Object.values(counters).every((n) => n === 0)).toBe(true);
    expect(runCountersSchema.parse(counters)).toEqual(counters);
  });

  test('add a partial delta without touching the rest', () => {
    const counters = addCounts(addCounts(emptyCounters(), { read: 10, sent: 4 }), { read: 5, tagged: 4 });
    expect(counters).toMatchObject({ read: 15, sent: 4, tagged: 4, created: 0 });
  });

  test('refuse negative or fractional counts when read back', () => {
    expect(runCountersSchema.safeParse({ ...emptyCounters(), read: -1 }).success).toBe(false);
    expect(runCountersSchema.safeParse({ ...emptyCounters(), sent: 1.5 }).success).toBe(false);
  });
});
