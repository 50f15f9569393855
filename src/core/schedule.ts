import type { Schedule } from './export-definition.ts';

/**
 * When a scheduled export is due (DESIGN.md §5). A schedule is a series of slots after the moment
 * it was set (its anchor): every N hours from the anchor, or daily at a local wall-clock time.
 * A run consumes the latest slot that has passed, so slots missed while the browser was closed
 * collapse into one run at the next start instead of one run per missed slot.
 *
 * Local time is given as a function (minutes east of UTC at an instant) so this stays pure and
 * tests can use fixed offsets; the worker passes `-new Date(at).getTimezoneOffset()`.
 */
export type UtcOffsetAt = (at: number) => number;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ScheduleState {
  /** When the schedule was set (or last changed). */
  anchorAt: number;
  /** The slot the last scheduled run consumed; null before the first. */
  lastSlotAt: number | null;
}

/** The latest slot at or before `at`, or null if none has come yet. Slots come after the anchor. */
export function latestSlot(
  schedule: Schedule,
  anchorAt: number,
  at: number,
  offsetAt: UtcOffsetAt,
): number | null {
  if (schedule.kind === 'every') {
    const period = schedule.hours * HOUR;
    const k = Math.floor((at - anchorAt) / period);
    return k >= 1 ? anchorAt + k * period : null;
  }
  if (schedule.kind === 'daily') {
    const slot = dailySlotAtOrBefore(schedule.time, at, offsetAt);
    return slot > anchorAt ? slot : null;
  }
  return null;
}

/** The first slot after `at`, or null for schedules without slots (manual, after refresh). */
export function nextSlot(
  schedule: Schedule,
  anchorAt: number,
  at: number,
  offsetAt: UtcOffsetAt,
): number | null {
  if (schedule.kind === 'every') {
    const period = schedule.hours * HOUR;
    const k = Math.max(1, Math.floor((at - anchorAt) / period) + 1);
    return anchorAt + k * period;
  }
  if (schedule.kind === 'daily') {
    // Exactly one daily slot lies in (from, from + 1 day] (two or none only across a DST change).
    const from = Math.max(at, anchorAt);
    const slot = dailySlotAtOrBefore(schedule.time, from + DAY, offsetAt);
    return slot > from ? slot : dailySlotAtOrBefore(schedule.time, from + 2 * DAY, offsetAt);
  }
  return null;
}

export interface DueDecision {
  /** Run now: a slot passed since the last run (however many, it is one run). */
  due: boolean;
  /** The slot a run now consumes (store it as `lastSlotAt`). */
  slot: number | null;
  /** When to look again. */
  nextDueAt: number | null;
}

export function decideDue(
  schedule: Schedule,
  state: ScheduleState,
  now: number,
  offsetAt: UtcOffsetAt,
): DueDecision {
  const slot = latestSlot(schedule, state.anchorAt, now, offsetAt);
  const due = slot !== null && slot > (state.lastSlotAt ?? state.anchorAt);
  return { due, slot: due ? slot : null, nextDueAt: nextSlot(schedule, state.anchorAt, now, offsetAt) };
}

/**
 * The state as it stands after the clock was set back. A clock set forward and back again leaves
 * the anchor or the last slot in the future: no slot would be due until the clock caught up with
 * it, and the schedule would stop without a word. An anchor in the future starts the schedule
 * over from now; a last slot in the future becomes the latest slot that has passed (a run
 * happened moments ago, by the real clock, so the next one waits for the next slot).
 */
export function settleClockBack(
  schedule: Schedule,
  state: ScheduleState,
  now: number,
  offsetAt: UtcOffsetAt,
): ScheduleState {
  if (state.anchorAt > now) return { anchorAt: now, lastSlotAt: null };
  if (state.lastSlotAt !== null && state.lastSlotAt > now)
    return { anchorAt: state.anchorAt, lastSlotAt: latestSlot(schedule, state.anchorAt, now, offsetAt) };
  return state;
}

/** The UTC instant of the local `HH:MM` on the latest local day where it is not after `at`. */
function dailySlotAtOrBefore(time: string, at: number, offsetAt: UtcOffsetAt): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const clock = (hours * 60 + minutes) * 60_000;
  const local = at + offsetAt(at) * 60_000;
  let slotLocal = Math.floor(local / DAY) * DAY + clock;
  if (slotLocal > local) slotLocal -= DAY;
  // Local wall time to UTC with the offset in force at the slot itself (it may differ from the
  // offset at `at` across a DST change); one refinement step settles it.
  let slot = slotLocal - offsetAt(at) * 60_000;
  slot = slotLocal - offsetAt(slot) * 60_000;
  return slot > at ? slot - DAY : slot;
}
