import { z } from 'zod';
import { mappingSchema } from './mapping/mapping.ts';

/**
 * An export as saved (DESIGN.md §3): what to send, through which connection, tagged how, and when.
 * Saving never runs it.
 */
export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }).strict(),
  z.object({ kind: z.literal('every'), hours: z.number().int().min(1).max(168) }).strict(),
  /** Local wall-clock time of the browser, HH:MM. */
  z.object({ kind: z.literal('daily'), time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/) }).strict(),
  /** After each refresh of the source segment (Customer Insights). */
  z.object({ kind: z.literal('after-refresh') }).strict(),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

export const syncModeSchema = z.enum(['mirror', 'add-only']);
export type SyncMode = z.infer<typeof syncModeSchema>;

export const exportSegmentSchema = z
  .object({
    sourceId: z.string().min(1),
    segmentId: z.string().min(1),
    /** As the source named it when the export was saved; shown when the source is unavailable. */
    displayName: z.string().min(1),
    /** The Omnisend tag that marks membership of this segment (tag-name.ts rules). */
    tag: z.string().min(1).max(128),
  })
  .strict();
export type ExportSegment = z.infer<typeof exportSegmentSchema>;

export const exportDefinitionSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().trim().min(1).max(100),
    /** Null once its connection was removed with "Detach and remove": it shows "No connection". */
    connectionId: z.string().nullable(),
    segments: z.array(exportSegmentSchema).min(1).max(20),
    mapping: mappingSchema,
    syncMode: syncModeSchema,
    schedule: scheduleSchema,
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type ExportDefinition = z.infer<typeof exportDefinitionSchema>;
