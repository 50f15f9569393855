import { z } from 'zod';
import { exportSegmentSchema, scheduleSchema, syncModeSchema } from '../core/export-definition.ts';
import { mappingSchema } from '../core/mapping/mapping.ts';
import { runCountersSchema } from '../core/run/run-counters.ts';
import { runErrorSchema, runStatusSchema } from '../core/run/run-state.ts';
import { accepted, type MessageSpec } from './spec.ts';

export const exportDraftSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    connectionId: z.string().min(1),
    segments: z.array(exportSegmentSchema).min(1).max(20),
    mapping: mappingSchema,
    syncMode: syncModeSchema,
    schedule: scheduleSchema,
  })
  .strict();
export type ExportDraft = z.infer<typeof exportDraftSchema>;

export type RunStatusName = z.infer<typeof runStatusSchema>;

export const exportSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  connection: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  segments: z.array(z.object({ displayName: z.string(), tag: z.string() })),
  schedule: scheduleSchema,
  syncMode: syncModeSchema,
  /** The newest run: how it went, when, its counts and why it failed. */
  lastRun: z
    .object({
      id: z.string(),
      status: runStatusSchema,
      finishedAt: z.number().nullable(),
      counts: runCountersSchema,
      error: runErrorSchema.nullable(),
    })
    .nullable(),
  nextRunAt: z.number().nullable(),
});
export type ExportSummary = z.infer<typeof exportSummarySchema>;

export const segmentChoiceSchema = z.object({
  sourceId: z.string(),
  segmentId: z.string(),
  displayName: z.string(),
  memberCount: z.number().nullable(),
  /** The source reports when the segment was last refreshed, so "After each source refresh" can follow it. */
  refreshTracked: z.boolean(),
  suggestedTag: z.string(),
});
export type SegmentChoice = z.infer<typeof segmentChoiceSchema>;

export const segmentRef = z.object({ sourceId: z.string(), segmentId: z.string() }).strict();

export const exportMessages = {
  'exports.list': {
    request: z.object({}).strict(),
    response: z.object({ exports: z.array(exportSummarySchema) }),
  },
  'exports.get': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({
      draft: exportDraftSchema.extend({ connectionId: z.string().nullable() }),
      /** The saved export's version; `exports.save` sends it back so a save never overwrites another. */
      version: z.number(),
    }),
  },
  'exports.segments': {
    request: z.object({}).strict(),
    response: z.object({ segments: z.array(segmentChoiceSchema) }),
  },
  'exports.fields': {
    request: z.object({ segments: z.array(segmentRef).min(1) }).strict(),
    response: z.object({ fields: z.array(z.string()), suggested: mappingSchema.partial() }),
  },
  'exports.save': {
    request: z
      .object({
        id: z.string().optional(),
        /** With `id`: the version the form loaded (`exports.get`); without it, or older, the save is refused. */
        version: z.number().optional(),
        draft: exportDraftSchema,
        /**
         * Take back the tags the save stops using (segments left, tags renamed) from the contacts
         * this extension gave them to, in a run of its own. Through the same connection only.
         */
        retireTags: z.boolean().default(false),
      })
      .strict(),
    response: z.object({ id: z.string() }),
  },
  'exports.duplicate': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ id: z.string() }),
  },
  /** `retireTags`: first take the export's tags back from the contacts it gave them to. */
  'exports.remove': {
    request: z.object({ id: z.string(), retireTags: z.boolean().default(false) }).strict(),
    response: accepted,
  },
} as const satisfies Record<string, MessageSpec>;
