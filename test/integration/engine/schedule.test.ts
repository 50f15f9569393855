import { afterAll, describe, expect, test } from 'vitest';
import { SCHEDULE_ALARM } from '../../../src/background/engine/engine-types.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createWorld, range, runToEnd, type World } from './engine-world.ts';

const HOUR = 3_600_000;

describe('scheduled exports', () => {
  let world: World;
  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  test('slots missed while the browser was closed run once at the next start, then the next slot is armed', async () => {
    world = await createWorld();
    world.source.setSegment('vip', { members: range(0, 50) });
    await world.saveExport({ name: 'vip', schedule: { kind: 'every', hours: 1 } });
    let offset = 0;
    const clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const first = await world.startWorker({ clock });
    const before = clock.now();
    await first.engine.onScheduleAlarm();
    expect(await first.engine.listRuns('export-vip')).toEqual([]);
    // The schedule counts from the pass that first saw it: the alarm is one hour after that pass.
    const setAt = (first.alarms.get(SCHEDULE_ALARM) ?? Number.NaN) - HOUR;
    expect(setAt).toBeGreaterThanOrEqual(before);
    expect(setAt).toBeLessThanOrEqual(clock.now());
    expect(await first.engine.nextRunAt('export-vip')).toBe(setAt + HOUR);
    first.kill();

    offset = 5 * HOUR + 60_000; // closed for five hours
    const next = await world.startWorker({ clock });
    await next.engine.onScheduleAlarm();
    await next.engine.onScheduleAlarm();
    const runs = await next.engine.listRuns('export-vip');
    expect(runs.map((r) => r.trigger)).toEqual(['schedule']);
    const run = await runToEnd(next, runs[0]!.id);
    expect(run.status).toBe('succeeded');
    expect(next.alarms.get(SCHEDULE_ALARM)).toBe(setAt + 6 * HOUR);
    expect(await next.engine.lastRun('export-vip')).toMatchObject({ id: run.id, status: 'succeeded' });
  });

  test('a clock set forward and back again does not stop the schedule', async () => {
    world.source.setSegment('daily', { members: range(0, 10) });
    await world.saveExport({
      name: 'clock',
      schedule: { kind: 'every', hours: 1 },
      segments: [{ sourceId: 'memory', segmentId: 'daily', displayName: 'Daily', tag: 'Daily' }],
    });
    let offset = 0;
    const clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const worker = await world.startWorker({ clock });
    await worker.engine.onScheduleAlarm();
    offset = 7 * 24 * HOUR; // a week ahead: the slot of next week runs
    await worker.engine.onScheduleAlarm();
    const [ahead] = await worker.engine.listRuns('export-clock');
    expect(ahead?.trigger).toBe('schedule');
    await runToEnd(worker, ahead!.id);

    offset = 0; // and back: the next run is due within the hour, not in a week
    await worker.engine.onScheduleAlarm();
    const next = (await worker.engine.nextRunAt('export-clock')) ?? Number.POSITIVE_INFINITY;
    expect(next - clock.now()).toBeLessThanOrEqual(HOUR);
    offset = HOUR + 60_000;
    await worker.engine.onScheduleAlarm();
    expect((await worker.engine.listRuns('export-clock')).length).toBe(2);
    await worker.engine.idle();
  });
});
