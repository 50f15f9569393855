import { describe, expect, test } from 'vitest';
import {
  decideDue,
  latestSlot,
  nextSlot,
  settleClockBack,
  type UtcOffsetAt,
} from '../../../src/core/schedule.ts';

const HOUR = 3_600_000;
const utc: UtcOffsetAt = () => 0;
const istanbul: UtcOffsetAt = () => 180; // UTC+3, no DST
const newYork: UtcOffsetAt = () => -300; // UTC−5
const at = (iso: string) => Date.parse(iso);

describe('every N hours', () => {
  const every6 = { kind: 'every', hours: 6 } as const;
  const anchor = at('2026-03-01T10:15:00Z');

  test('the first slot is N hours after the schedule was set', () => {
    expect(latestSlot(every6, anchor, anchor + 6 * HOUR - 1, utc)).toBeNull();
    expect(latestSlot(every6, anchor, anchor + 6 * HOUR, utc)).toBe(anchor + 6 * HOUR);
    expect(nextSlot(every6, anchor, anchor, utc)).toBe(anchor + 6 * HOUR);
    expect(nextSlot(every6, anchor, anchor + 7 * HOUR, utc)).toBe(anchor + 12 * HOUR);
  });

  test('is due once a slot passed since the last run, and then not again until the next slot', () => {
    const first = decideDue(every6, { anchorAt: anchor, lastSlotAt: null }, anchor + 6 * HOUR + 60_000, utc);
    expect(first).toEqual({ due: true, slot: anchor + 6 * HOUR, nextDueAt: anchor + 12 * HOUR });
    const again = decideDue(every6, { anchorAt: anchor, lastSlotAt: first.slot }, anchor + 7 * HOUR, utc);
    expect(again).toEqual({ due: false, slot: null, nextDueAt: anchor + 12 * HOUR });
  });

  test('slots missed while the browser was closed collapse into one run', () => {
    // Closed for three days: twelve slots passed, one run, and it consumes the latest slot.
    const now = anchor + 75 * HOUR;
    const decision = decideDue(every6, { anchorAt: anchor, lastSlotAt: anchor + 6 * HOUR }, now, utc);
    expect(decision).toEqual({ due: true, slot: anchor + 72 * HOUR, nextDueAt: anchor + 78 * HOUR });
    const after = decideDue(every6, { anchorAt: anchor, lastSlotAt: decision.slot }, now + 1000, utc);
    expect(after.due).toBe(false);
  });
});

describe('daily at a local time', () => {
  const daily = { kind: 'daily', time: '07:30' } as const;

  test('in UTC, the slot is that time of day', () => {
    const anchor = at('2026-03-01T12:00:00Z');
    expect(nextSlot(daily, anchor, anchor, utc)).toBe(at('2026-03-02T07:30:00Z'));
    expect(latestSlot(daily, anchor, at('2026-03-02T07:29:59Z'), utc)).toBeNull();
    expect(latestSlot(daily, anchor, at('2026-03-02T07:30:00Z'), utc)).toBe(at('2026-03-02T07:30:00Z'));
    expect(latestSlot(daily, anchor, at('2026-03-03T06:00:00Z'), utc)).toBe(at('2026-03-02T07:30:00Z'));
  });

  test('east of UTC, 07:30 local is earlier in UTC, across the UTC date line', () => {
    const anchor = at('2026-03-01T12:00:00Z'); // 15:00 in Istanbul
    expect(nextSlot(daily, anchor, anchor, istanbul)).toBe(at('2026-03-02T04:30:00Z'));
    const midnight = { kind: 'daily', time: '01:00' } as const;
    // 01:00 in Istanbul is 22:00 UTC the day before.
    expect(nextSlot(midnight, anchor, anchor, istanbul)).toBe(at('2026-03-01T22:00:00Z'));
  });

  test('west of UTC, 07:30 local is later in UTC', () => {
    const anchor = at('2026-03-01T12:00:00Z'); // 07:00 in New York
    expect(nextSlot(daily, anchor, anchor, newYork)).toBe(at('2026-03-01T12:30:00Z'));
    const late = { kind: 'daily', time: '23:00' } as const;
    expect(nextSlot(late, anchor, anchor, newYork)).toBe(at('2026-03-02T04:00:00Z'));
  });

  test('a week away runs once at the next start, then waits for tomorrow', () => {
    const anchor = at('2026-03-01T12:00:00Z');
    const state = { anchorAt: anchor, lastSlotAt: at('2026-03-02T07:30:00Z') };
    const now = at('2026-03-09T09:00:00Z');
    expect(decideDue(daily, state, now, utc)).toEqual({
      due: true,
      slot: at('2026-03-09T07:30:00Z'),
      nextDueAt: at('2026-03-10T07:30:00Z'),
    });
    expect(decideDue(daily, { ...state, lastSlotAt: at('2026-03-09T07:30:00Z') }, now, utc).due).toBe(false);
  });

  test('uses the offset in force at the slot when it changes (a DST shift)', () => {
    // Offset +60 before 2026-03-29T01:00Z, +120 after (Central European time).
    const shift = at('2026-03-29T01:00:00Z');
    const cet: UtcOffsetAt = (t) => (t < shift ? 60 : 120);
    const anchor = at('2026-03-28T12:00:00Z');
    expect(nextSlot(daily, anchor, anchor, cet)).toBe(at('2026-03-29T05:30:00Z'));
    expect(nextSlot(daily, anchor, at('2026-03-27T12:00:00Z'), cet)).toBe(at('2026-03-29T05:30:00Z'));
  });
});

describe('schedules without slots', () => {
  test('manual and after-refresh are never due by time', () => {
    for (const schedule of [{ kind: 'manual' }, { kind: 'after-refresh' }] as const) {
      expect(decideDue(schedule, { anchorAt: 0, lastSlotAt: null }, at('2026-03-01T00:00:00Z'), utc)).toEqual(
        {
          due: false,
          slot: null,
          nextDueAt: null,
        },
      );
    }
  });
});

describe('a clock set forward and back', () => {
  const every6 = { kind: 'every', hours: 6 } as const;
  const anchor = at('2026-03-01T10:00:00Z');

  test('a last slot in the future becomes the latest slot passed, so the next slot is due again', () => {
    // Set a week forward, a run consumed that slot; back to real time two hours after a slot.
    const now = anchor + 14 * HOUR;
    const state = settleClockBack(every6, { anchorAt: anchor, lastSlotAt: anchor + 168 * HOUR }, now, utc);
    expect(state).toEqual({ anchorAt: anchor, lastSlotAt: anchor + 12 * HOUR });
    expect(decideDue(every6, state, now, utc)).toEqual({
      due: false,
      slot: null,
      nextDueAt: anchor + 18 * HOUR,
    });
    expect(decideDue(every6, state, anchor + 18 * HOUR, utc).due).toBe(true);
  });

  test('an anchor in the future starts the schedule over from now', () => {
    const now = anchor;
    const state = settleClockBack(every6, { anchorAt: anchor + 48 * HOUR, lastSlotAt: null }, now, utc);
    expect(state).toEqual({ anchorAt: now, lastSlotAt: null });
    expect(decideDue(every6, state, now, utc).nextDueAt).toBe(now + 6 * HOUR);
  });

  test('a daily schedule runs at its next time, not a week later', () => {
    const daily = { kind: 'daily', time: '07:30' } as const;
    const now = at('2026-03-03T09:00:00Z');
    const state = settleClockBack(
      daily,
      { anchorAt: anchor, lastSlotAt: at('2026-03-10T07:30:00Z') },
      now,
      utc,
    );
    expect(state.lastSlotAt).toBe(at('2026-03-03T07:30:00Z'));
    expect(decideDue(daily, state, at('2026-03-04T07:31:00Z'), utc).due).toBe(true);
  });

  test('a state in the past is left as it is', () => {
    const state = { anchorAt: anchor, lastSlotAt: anchor + 6 * HOUR };
    expect(settleClockBack(every6, state, anchor + 7 * HOUR, utc)).toBe(state);
  });
});
