import { z } from 'zod';

/**
 * Every message between the extension's contexts, declared once. Each entry names who may send
 * it: `page` (the extension's own pages: popup, options) or `content` (the content script on a
 * Customer Insights page). The worker refuses anything that is not declared here, or that comes
 * from a sender without the right (DESIGN.md §7).
 */

export const roleSchema = z.enum(['administrator', 'contributor']);
export type Role = z.infer<typeof roleSchema>;

export const statusSchema = z.object({
  version: z.string(),
  role: roleSchema,
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

export const tabContextSchema = z.object({
  page: pageReportSchema.nullable(),
});
export type TabContext = z.infer<typeof tabContextSchema>;

const empty = z.object({}).strict();
const ack = z.object({ accepted: z.literal(true) });

export const protocol = {
  status: { from: 'page', request: empty, response: statusSchema },
  'tab.context': {
    from: 'page',
    request: z.object({ tabId: z.number().int().nonnegative() }).strict(),
    response: tabContextSchema,
  },
  'page.report': { from: 'content', request: pageReportSchema.strict(), response: ack },
} as const satisfies Record<string, MessageSpec>;

export interface MessageSpec {
  from: 'page' | 'content';
  request: z.ZodType;
  response: z.ZodType;
}

export type MessageType = keyof typeof protocol;
export type RequestOf<T extends MessageType> = z.infer<(typeof protocol)[T]['request']>;
export type ResponseOf<T extends MessageType> = z.infer<(typeof protocol)[T]['response']>;

export const messageTypes = Object.keys(protocol) as MessageType[];

export const envelopeSchema = z.object({
  type: z.enum(messageTypes as [MessageType, ...MessageType[]]),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Errors cross context boundaries as data; the caller turns them back into a typed error. */
export const errorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  requestId: z.string().optional(),
});
export type ErrorData = z.infer<typeof errorDataSchema>;

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);
export type Reply = z.infer<typeof replySchema>;
