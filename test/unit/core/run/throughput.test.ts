import { describe, expect, test } from 'vitest';
import {
  percentOf,
  STALLED_AFTER_MS,
  stalledMinutes,
  THROUGHPUT_MIN_SPAN_MS,
  Throughput,
  timeLeftMs,
  type WorkInput,
  workOf,
} from '../../../../src/core/run/throughput.ts';

const fresh: WorkInput = {
  total: 1_000,
  read: 0,
  readDone: false,
  sent: 0,
  settled: 0,
  tagged: 0,
  untagged: 0,
  queuedUpserts: 0,
  queuedTagEmails: 0,
};

describe('work done and expected', () => {
  test('a new first export expects each row read, sent, settled and tagged', () => {
    expect(workOf(fresh)).toEqual({ done: 0, expected: 4_000 });
    expect(percentOf(workOf(fresh))).toBe(0);
  });

  test('every row read and sent but Omnisend still processing: half way, not 99 %', () => {
    const work = workOf({ ...fresh, read: 1_000, readDone: true, sent: 1_000 });
    expect(percentOf(work)).toBe(50);
  });

  test('a rerun where nothing changed expects only the reading', () => {
    const work = workOf({ ...fresh, read: 500, sent: 0 });
    expect(work.expected).toBe(1_000);
    expect(percentOf(work)).toBe(50);
  });

  test('an unknown total gives no percentage until the reading is done', () => {
    expect(percentOf(workOf({ ...fresh, total: null, read: 300 }))).toBeNull();
    expect(percentOf(workOf({ ...fresh, total: null, read: 300, readDone: true, sent: 300 }))).toBe(50);
  });

  test('a run is never 100 % before it ended', () => {
    const done = { ...fresh, read: 1_000, readDone: true, sent: 1_000, settled: 1_000, tagged: 1_000 };
    expect(percentOf(workOf(done))).toBe(99);
  });
});

describe('time left from the pace measured', () => {
  const work = { done: 1_000, expected: 4_000 };

  test('no estimate until the pace was measured long enough', () => {
    const pace = new Throughput();
    pace.add(0, 0);
    pace.add(THROUGHPUT_MIN_SPAN_MS - 1, 100);
    expect(pace.ratePerMs()).toBeNull();
    expect(timeLeftMs(work, pace.ratePerMs(), 1_000)).toBeNull();
  });

  test('the work left at the measured pace, never less than the rate limits allow', () => {
    const pace = new Throughput();
    for (let s = 0; s <= 10; s++) pace.add(s * 1_000, s * 100);
    expect(pace.ratePerMs()).toBeCloseTo(0.1);
    expect(timeLeftMs(work, pace.ratePerMs(), 1_000)).toBe(30_000);
    expect(timeLeftMs(work, pace.ratePerMs(), 90_000)).toBe(90_000);
  });

  test('nothing moved in the window: no "less than a minute", no estimate at all', () => {
    const pace = new Throughput();
    for (let s = 0; s <= 40; s++) pace.add(s * 1_000, s < 5 ? s * 100 : 500);
    expect(pace.ratePerMs()).toBe(0);
    expect(timeLeftMs(work, pace.ratePerMs(), 1_000)).toBeNull();
  });

  test('a run that has not moved for several minutes says for how many', () => {
    expect(stalledMinutes(0, STALLED_AFTER_MS - 1)).toBeNull();
    expect(stalledMinutes(0, STALLED_AFTER_MS)).toBe(3);
    expect(stalledMinutes(0, 7.5 * 60_000)).toBe(7);
    expect(stalledMinutes(null, 60 * 60_000)).toBeNull();
  });
});
