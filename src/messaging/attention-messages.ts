import { z } from 'zod';
import { emptyRequest, type MessageSpec } from './spec.ts';

/**
 * What the user must act on before exports can go on, for the top of the popup and the options
 * page's overview. One kind per cause; add a kind (and its words in src/ui/AttentionList.tsx) for a
 * new one.
 */
export const attentionItemSchema = z.discriminatedUnion('kind', [
  /** Omnisend refused the connection's key (rejected, or lacking a permission) in a run. */
  z.object({
    kind: z.literal('connection-rejected'),
    connectionId: z.string(),
    name: z.string(),
    code: z.enum(['omnisend.invalid-api-key', 'omnisend.missing-permission']),
  }),
  /** A Customer Insights environment wants its user to sign in again. */
  z.object({ kind: z.literal('sign-in-required'), sourceId: z.string(), name: z.string() }),
  /** The browser does not let the extension reach the Dataverse organisation of an environment. */
  z.object({
    kind: z.literal('access-required'),
    sourceId: z.string(),
    name: z.string(),
    host: z.string(),
  }),
  /** The latest run ended because the browser's storage was full. */
  z.object({ kind: z.literal('storage-full') }),
]);
export type AttentionItem = z.infer<typeof attentionItemSchema>;

export const attentionMessages = {
  'attention.list': {
    request: emptyRequest,
    response: z.object({ items: z.array(attentionItemSchema) }),
  },
} as const satisfies Record<string, MessageSpec>;
