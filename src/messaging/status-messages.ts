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

/** What the content script may tell about the page it runs on; never profile data. */
export const pageReportSchema = z.object({
  url: z.url({ protocol: /^https$/, hostname: /^home\.ci\.ai\.dynamics\.com$/ }),
  title: z.string().max(500),
});
export type PageReport = z.infer<typeof pageReportSchema>;

export const tabContextSchema = z.object({ page: pageReportSchema.nullable() });
export type TabContext = z.infer<typeof tabContextSchema>;

export const statusMessages = {
  status: { from: 'page', request: emptyRequest, response: statusSchema },
  'tab.context': {
    from: 'page',
    request: z.object({ tabId: z.number().int().nonnegative() }).strict(),
    response: tabContextSchema,
  },
  'page.report': { from: 'content', request: pageReportSchema.strict(), response: accepted },
} as const satisfies Record<string, MessageSpec>;
