import { z } from 'zod';
import { ownRecordSchema } from '../core/own-record.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * Per export, what its schedule needs to survive worker restarts: when the schedule was set (the
 * anchor of its slots), the slot it last ran for, and for "after each refresh" the last refresh
 * time seen. `scheduleKey` tells whether the export's schedule changed since.
 */
export const scheduleRecordSchema = z.object({
  exportId: z.string().min(1),
  scheduleKey: z.string(),
  anchorAt: z.number(),
  lastSlotAt: z.number().nullable(),
  /** Per segment id, the last refresh time seen. */
  refreshSeen: ownRecordSchema(z.number()),
  nextDueAt: z.number().nullable(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;

export async function getScheduleRecord(db: Database, exportId: string): Promise<ScheduleRecord | undefined> {
  const value = await db.get('schedules', exportId);
  return value === undefined ? undefined : parseRecord(scheduleRecordSchema, 'schedules', exportId, value);
}

export async function putScheduleRecord(db: Database, record: ScheduleRecord): Promise<void> {
  await db.put('schedules', scheduleRecordSchema.parse(record));
}

export async function deleteScheduleRecord(db: Database, exportId: string): Promise<void> {
  await db.delete('schedules', exportId);
}
