import { z } from 'zod';

/**
 * One message type: the zod schemas of its request and response. Who may send it, as which role and
 * on which objects, is the worker's permission table (src/background/permissions.ts).
 */
export interface MessageSpec {
  request: z.ZodType;
  response: z.ZodType;
}

export const roleSchema = z.enum(['administrator', 'contributor']);
export type Role = z.infer<typeof roleSchema>;

export const emptyRequest = z.object({}).strict();
export const accepted = z.object({ accepted: z.literal(true) });

/** Errors cross context boundaries as data; the caller turns them back into a typed error. */
export const errorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  requestId: z.string().optional(),
  details: z.array(z.string()).optional(),
});
export type ErrorData = z.infer<typeof errorDataSchema>;

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);
export type Reply = z.infer<typeof replySchema>;
