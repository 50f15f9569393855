import { z } from 'zod';

/**
 * Request and response shapes of the Omnisend 2026-03-15 endpoints we use, after
 * ../shared/omnisend-openapi (contacts, batches, brands). Requests are strict: they are ours.
 * Responses are loose objects – unknown fields pass – but what we read is checked. Omnisend's
 * backend is written in Go, so an empty list may arrive as `null` or be left out; lists default
 * to [].
 */

const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

// --- brands ------------------------------------------------------------------------------------

export const brandSchema = z.looseObject({
  brandID: z.string().min(1),
  name: z.string().optional(),
  website: z.string().optional(),
  currency: z.string().optional(),
  timezone: z.string().optional(),
  platform: z.string().optional(),
  version: z.string().optional(),
  connected: z.boolean().optional(),
});
export type Brand = z.infer<typeof brandSchema>;

// --- contacts (request) ------------------------------------------------------------------------

export const subscriptionStatusSchema = z.enum(['subscribed', 'nonSubscribed', 'unsubscribed']);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

export const contactChannelRequestSchema = z.strictObject({
  status: subscriptionStatusSchema,
  statusChangedAt: z.string().optional(),
});

export const contactConsentRequestSchema = z.strictObject({
  source: z.string().optional(),
  createdAt: z.string().optional(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
});

export const contactIdentifierRequestSchema = z.strictObject({
  type: z.enum(['email', 'phone']),
  id: z.string().min(1),
  /** Keyed by channel: `email` for email identifiers, `sms` for phone identifiers. */
  channels: z.record(z.string(), contactChannelRequestSchema).optional(),
  consent: contactConsentRequestSchema.optional(),
  /** Omnisend defaults this to true; bulk loads must send false (omnisend-api.md §3.2). */
  sendWelcomeMessage: z.boolean().optional(),
  source: z.string().optional(),
});
export type ContactIdentifierRequest = z.infer<typeof contactIdentifierRequestSchema>;

export const customPropertyValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.array(z.number()),
]);

/**
 * OpenAPI `ContactRequest`. Tags in an upsert replace all of a contact's tags (omnisend-api.md
 * §3.5), so membership goes through /contacts/tags (DESIGN.md §4) – except for contacts the brand
 * snapshot proves new, which have no tags to lose (the planner, issue #16).
 */
export const contactRequestSchema = z.strictObject({
  identifiers: z.array(contactIdentifierRequestSchema).min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  /** ISO 3166-1 alpha-2; wins over `country`. */
  countryCode: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional(),
  birthdate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  gender: z.enum(['m', 'f']).optional(),
  customProperties: z.record(z.string(), customPropertyValueSchema).optional(),
  tags: z.array(z.string()).min(1).max(100).optional(),
});
export type ContactRequest = z.infer<typeof contactRequestSchema>;

/**
 * A ContactRequest already written as JSON: what a contact batch's item is on the wire. The
 * engine queues contacts in this form, so a batch body is the texts joined, not an object tree
 * validated and serialised again per contact at every submission.
 */
export type ContactJson = string & { readonly contactJson: unique symbol };

/** A contact built as a ContactRequest (its type is the check), written by `write`. */
export function toContactJson(
  contact: ContactRequest,
  write: (contact: ContactRequest) => string = JSON.stringify,
): ContactJson {
  return write(contact) as ContactJson;
}

/** A contact's JSON read back from storage: checked against the schema again, or null. */
export function parseContactJson(json: string): ContactJson | null {
  try {
    return contactRequestSchema.safeParse(JSON.parse(json)).success ? (json as ContactJson) : null;
  } catch {
    return null;
  }
}

// --- contacts (response) -----------------------------------------------------------------------

const channelSchema = z.looseObject({
  status: z.string().optional(),
  statusChangedAt: z.string().optional(),
});

export const contactResponseSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string().optional(),
  phone: listOf(z.string()),
  identifiers: listOf(
    z.looseObject({
      type: z.string().optional(),
      id: z.string().optional(),
      channels: z.record(z.string(), channelSchema).nullish(),
    }),
  ),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  countryCode: z.string().optional(),
  birthdate: z.string().optional(),
  gender: z.string().optional(),
  status: z.string().optional(),
  tags: listOf(z.string()),
  customProperties: z.record(z.string(), z.unknown()).nullish(),
  segments: listOf(z.string()),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type ContactResponse = z.infer<typeof contactResponseSchema>;

export const listContactsResponseSchema = z.looseObject({
  contacts: listOf(contactResponseSchema),
  paging: z
    .looseObject({
      hasMore: z.boolean().optional(),
      limit: z.number().optional(),
      cursors: z.looseObject({ after: z.string().nullish(), before: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
export type ListContactsResponse = z.infer<typeof listContactsResponseSchema>;

// --- tags --------------------------------------------------------------------------------------

export const tagsRequestSchema = z.strictObject({
  emails: z.array(z.string()).min(1).max(250),
  tags: z.array(z.string()).min(1).max(100),
});
export type TagsRequest = z.infer<typeof tagsRequestSchema>;

// --- batches -----------------------------------------------------------------------------------

/** `pending` (received), `inProgress`, `finished`, `stopped` (halted after too many errors). */
export const batchStatusSchema = z.enum(['pending', 'inProgress', 'finished', 'stopped']);
export type BatchStatus = z.infer<typeof batchStatusSchema>;

export const createBatchResponseSchema = z.looseObject({
  batchID: z.string().min(1),
  totalCount: z.number().int().nonnegative(),
});
export type CreateBatchResponse = z.infer<typeof createBatchResponseSchema>;

export const batchItemSchema = z.looseObject({
  itemID: z.string().optional(),
  status: z.string().optional(),
  /** The HTTP status the item got, as if sent alone (200/201 ok, 4xx rejected). */
  responseCode: z.number().int(),
  /** The item as we sent it: a ContactRequest for contact batches. */
  request: z.unknown(),
  /** Omnisend's answer for the item: a contact, or a problem body. */
  response: z.unknown(),
});
export type BatchItem = z.infer<typeof batchItemSchema>;

const count = z.number().int().nonnegative();

export const batchSchema = z.looseObject({
  batchID: z.string().min(1),
  status: batchStatusSchema,
  endpoint: z.string().optional(),
  method: z.string().optional(),
  origin: z.string().optional(),
  totalCount: count,
  finishedCount: count.optional().default(0),
  errorsCount: count.optional().default(0),
  createdAt: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** Filled by GET /batches/{id}/items: failed items. */
  errors: listOf(batchItemSchema),
  /** Filled by GET /batches/{id}/items: items that succeeded. */
  responses: listOf(batchItemSchema),
});
export type Batch = z.infer<typeof batchSchema>;

/**
 * An entry of GET /batches (`ListBatchesResponse.batches`, the OpenAPI document's `Batch`). Whether
 * Omnisend fills its `responses`/`errors` there is not published: absent means "not said", kept
 * apart from an empty list.
 */
export const listedBatchSchema = batchSchema.extend({
  errors: z.array(batchItemSchema).nullish(),
  responses: z.array(batchItemSchema).nullish(),
});
export type ListedBatch = z.infer<typeof listedBatchSchema>;

export const listBatchesResponseSchema = z.looseObject({
  batches: listOf(listedBatchSchema),
  /** Offset paging (`Paging`): `next` is the next page's URL, absent on the last page. */
  paging: z.looseObject({ next: z.string().nullish() }).nullish(),
});
