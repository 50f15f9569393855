import { z } from 'zod';
import { MAX_CANDIDATE_LENGTH, MAX_CANDIDATES, MAX_GUIDS } from '../core/segment-page.ts';
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

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const candidate = z.string().min(1).max(MAX_CANDIDATE_LENGTH);

/**
 * What the content script may tell about the page it runs on (core/segment-page.ts): the GUIDs of
 * its address and short strings that could name a segment, bounded in number and length – never
 * the whole address or profile data. The worker matches them against what it knows.
 */
export const pageCluesSchema = z
  .object({
    guids: z.array(guid).min(1).max(MAX_GUIDS),
    address: z.array(candidate).max(MAX_CANDIDATES),
    text: z.array(candidate).max(MAX_CANDIDATES),
  })
  .strict();
export type PageCluesReport = z.infer<typeof pageCluesSchema>;

/** A report of `null` says the tab shows no Customer Insights page (any more). */
export const pageReportSchema = z.object({ page: pageCluesSchema.nullable() }).strict();
export type PageReport = z.infer<typeof pageReportSchema>;

export const tabContextSchema = z.object({ page: pageCluesSchema.nullable() });
export type TabContext = z.infer<typeof tabContextSchema>;

export const statusMessages = {
  status: { request: emptyRequest, response: statusSchema },
  'tab.context': {
    request: z.object({ tabId: z.number().int().nonnegative() }).strict(),
    response: tabContextSchema,
  },
  'page.report': { request: pageReportSchema, response: accepted },
} as const satisfies Record<string, MessageSpec>;
