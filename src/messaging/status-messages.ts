import { z } from 'zod';
import { accepted, emptyRequest, type MessageSpec, roleSchema } from './spec.ts';

export const statusSchema = z.object({
  version: z.string(),
  role: roleSchema,
  /** Whether an administrator passphrase exists (so the UI can offer "Unlock administrator"). */
  passphraseSet: z.boolean(),
  counts: z.object({
    connections: z.number().int().nonnegative(),
    exports: z.number().int().nonnegative(),
    runs: z.number().int().nonnegative(),
  }),
});
export type Status = z.infer<typeof statusSchema>;

/** A Customer Insights environment GUID, lower-case as `detectSegmentPage` gives it. */
export const environmentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const hintText = z.string().min(1).max(256);

/**
 * What the content script may tell about the page it runs on: the environment and how the page
 * names its segment (core/segment-page.ts). Never the address, the title, or profile data.
 */
export const segmentPageContextSchema = z
  .object({
    environmentId: environmentIdSchema,
    segmentHint: z
      .object({ routeName: hintText.optional(), displayName: hintText.optional() })
      .strict()
      .refine((hint) => hint.routeName !== undefined || hint.displayName !== undefined),
  })
  .strict();
export type SegmentPageContextReport = z.infer<typeof segmentPageContextSchema>;

/** A report of `null` says the tab shows no segment page (any more). */
export const pageReportSchema = z.object({ page: segmentPageContextSchema.nullable() }).strict();
export type PageReport = z.infer<typeof pageReportSchema>;

export const tabContextSchema = z.object({ page: segmentPageContextSchema.nullable() });
export type TabContext = z.infer<typeof tabContextSchema>;

export const statusMessages = {
  status: { request: emptyRequest, response: statusSchema },
  'tab.context': {
    request: z.object({ tabId: z.number().int().nonnegative() }).strict(),
    response: tabContextSchema,
  },
  'page.report': { request: pageReportSchema, response: accepted },
} as const satisfies Record<string, MessageSpec>;
