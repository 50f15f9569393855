import { z } from 'zod';
import { exportSegmentSchema, syncModeSchema } from '../core/export-definition.ts';
import { mappingSchema } from '../core/mapping/mapping.ts';
import { accepted, errorDataSchema, type MessageSpec } from './spec.ts';

const count = z.number().int().nonnegative();
const rows = z.array(z.object({ email: z.string(), detail: z.string() }));
export const previewListSchema = z.enum(['created', 'updated', 'unchanged', 'tagged', 'untagged', 'skipped']);
export type PreviewListName = z.infer<typeof previewListSchema>;

/** What a run would do (core/preview/preview-tally.ts), and how fresh the Omnisend side of it is. */
export const previewResultSchema = z.object({
  counts: z.object({
    read: count,
    created: count,
    updated: count,
    unchanged: count,
    tagged: count,
    untagged: count,
    rejected: count,
    duplicates: count,
  }),
  skipped: z.array(z.object({ reason: z.string(), count })),
  lists: z.record(previewListSchema, rows),
  truncated: z.array(previewListSchema),
  changes: z.array(
    z.object({
      email: z.string(),
      fields: z.array(
        z.object({ field: z.string(), from: z.string().nullable(), to: z.string().nullable() }),
      ),
    }),
  ),
  untagSkipped: z.boolean(),
  /** The brand snapshot the preview used: when its listing started, and its contacts. */
  snapshot: z.object({ listedAt: z.number(), count }),
  /** The run's plan (core/run/plan-floor.ts): tags inside batch items, calls, both plans' floors in ms. */
  plan: z.object({
    tagsInItems: count,
    batches: count,
    tagCalls: count,
    tagBoundTagCalls: count,
    plannedMs: z.number(),
    tagBoundMs: z.number(),
  }),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

export const previewStatusSchema = z.object({
  previewId: z.string(),
  /** `omnisend`: reading the brand's contacts; `source`: reading the segments. */
  state: z.enum(['omnisend', 'source', 'done', 'failed']),
  read: count,
  result: previewResultSchema.nullable(),
  error: errorDataSchema.nullable(),
});
export type PreviewStatus = z.infer<typeof previewStatusSchema>;

export const previewDraftSchema = z
  .object({
    connectionId: z.string().min(1),
    segments: z.array(exportSegmentSchema).min(1).max(20),
    mapping: mappingSchema,
    syncMode: syncModeSchema,
  })
  .strict();

export const previewMessages = {
  /**
   * "Preview changes": a saved export as saved (`id`), or the export form's draft (`draft`, with
   * `id` when it edits a saved export, whose ledger then says what is unchanged).
   */
  'exports.preview': {
    request: z
      .object({ id: z.string().optional(), draft: previewDraftSchema.optional() })
      .strict()
      .refine((r) => r.id !== undefined || r.draft !== undefined),
    response: previewStatusSchema,
  },
  'exports.previewStatus': {
    request: z.object({ previewId: z.string() }).strict(),
    response: previewStatusSchema,
  },
  'exports.previewCancel': {
    request: z.object({ previewId: z.string() }).strict(),
    response: accepted,
  },
} as const satisfies Record<string, MessageSpec>;
