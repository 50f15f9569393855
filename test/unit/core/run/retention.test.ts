import { describe, expect, test } from 'vitest';
import { DEFAULT_RETENTION, type RetainedRun, runsToPrune } from '../../../../src/core/run/retention.ts';

const DAY = 86_400_000;
const now = Date.parse('2026-06-01T00:00:00Z');
const run = (n: number, ageDays: number, ended = true): RetainedRun => ({
  id: `r${n}`,
  createdAt: now - ageDays * DAY - 60_000,
  finishedAt: ended ? now - ageDays * DAY : null,
  ended,
});

describe('which runs History lets go', () => {
  test('keeps the newest 50 of an export, and nothing older than 90 days', () => {
    const runs = Array.from({ length: 60 }, (_, n) => run(n, n));
    expect(runsToPrune(runs, DEFAULT_RETENTION, now).sort()).toEqual(
      Array.from({ length: 10 }, (_, n) => `r${n + 50}`).sort(),
    );
    const old = [run(1, 1), run(2, 89), run(3, 91), run(4, 400)];
    expect(runsToPrune(old, DEFAULT_RETENTION, now)).toEqual(['r3', 'r4']);
  });

  test('never a run that has not ended, however old', () => {
    expect(runsToPrune([run(1, 200, false), run(2, 200)], { maxRuns: 1, maxDays: 90 }, now)).toEqual(['r2']);
  });

  test('follows the setting', () => {
    const runs = [run(1, 0), run(2, 1), run(3, 2)];
    expect(runsToPrune(runs, { maxRuns: 2, maxDays: 3650 }, now)).toEqual(['r3']);
    expect(runsToPrune(runs, { maxRuns: 1000, maxDays: 1 }, now)).toEqual(['r3']);
  });
});
