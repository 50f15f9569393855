import { canonicalJson } from '../../core/fingerprint.ts';
import { emptyRecord } from '../../core/own-record.ts';
import type { RunTrigger } from '../../core/run/run-trigger.ts';
import { decideDue, settleClockBack, type UtcOffsetAt } from '../../core/schedule.ts';
import type { SegmentSource } from '../../sources/segment-source.ts';
import { listExports } from '../../storage/exports.ts';
import type { Database } from '../../storage/open-database.ts';
import {
  deleteScheduleRecord,
  getScheduleRecord,
  putScheduleRecord,
  type ScheduleRecord,
} from '../../storage/run-schedules.ts';
import { type EngineAlarms, SCHEDULE_ALARM } from './engine-types.ts';

export interface ScheduleContext {
  db: Database;
  now: number;
  utcOffsetAt: UtcOffsetAt;
  refreshPollMs: number;
  alarms: EngineAlarms;
  sourceFor(sourceId: string): Promise<SegmentSource | undefined>;
  startRun(exportId: string, trigger: RunTrigger): Promise<string>;
}

/**
 * Starts the runs whose schedule is due and arms the alarm for the next one (DESIGN.md §5).
 * Missed slots collapse into one run (core/schedule.ts). A changed schedule starts counting from
 * now; saving an export never runs it. "After each refresh" looks at the segments' last refresh
 * every `refreshPollMs`; the first look only records it.
 */
export async function runDueSchedules(context: ScheduleContext): Promise<void> {
  const { db, now } = context;
  let nextAlarm: number | null = null;
  for (const definition of await listExports(db)) {
    const key = canonicalJson(definition.schedule);
    const stored = await getScheduleRecord(db, definition.id);
    const record: ScheduleRecord =
      stored && stored.scheduleKey === key
        ? stored
        : {
            exportId: definition.id,
            scheduleKey: key,
            anchorAt: now,
            lastSlotAt: null,
            refreshSeen: emptyRecord(),
            nextDueAt: null,
          };
    const { schedule } = definition;
    if (schedule.kind === 'every' || schedule.kind === 'daily') {
      Object.assign(record, settleClockBack(schedule, record, now, context.utcOffsetAt));
      const decision = decideDue(schedule, record, now, context.utcOffsetAt);
      if (decision.due) {
        await context.startRun(definition.id, 'schedule');
        record.lastSlotAt = decision.slot;
      }
      record.nextDueAt = decision.nextDueAt;
    } else if (schedule.kind === 'after-refresh') {
      let refreshed = false;
      for (const segment of definition.segments) {
        const source = await context.sourceFor(segment.sourceId);
        const info = (await source?.listSegments().catch(() => []))?.find((s) => s.id === segment.segmentId);
        const at = info?.lastRefreshedAt ?? null;
        if (at === null) continue;
        const seen = record.refreshSeen[segment.segmentId];
        if (seen !== undefined && at > seen) refreshed = true;
        record.refreshSeen[segment.segmentId] = at;
      }
      if (refreshed) await context.startRun(definition.id, 'source-refresh');
      record.nextDueAt = now + context.refreshPollMs;
    } else {
      record.nextDueAt = null;
    }
    await putScheduleRecord(db, record);
    if (record.nextDueAt !== null) nextAlarm = Math.min(nextAlarm ?? record.nextDueAt, record.nextDueAt);
  }
  if (nextAlarm === null) await context.alarms.clear(SCHEDULE_ALARM);
  else await context.alarms.set(SCHEDULE_ALARM, nextAlarm);
}

export async function forgetSchedule(db: Database, exportId: string): Promise<void> {
  await deleteScheduleRecord(db, exportId);
}
