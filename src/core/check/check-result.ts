import { z } from 'zod';
import { problemGroupSchema, problemKindSchema } from '../problem-tally.ts';

/** Reasons only a check gives, besides the mapping's and the file parser's. */
export type CheckReason = 'email-duplicate' | 'record-unreadable';

/** A contact as Omnisend will hold it, in the words a person reads (the UI formats dates and codes). */
export const previewContactSchema = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().optional(),
  /** International format, `+90 532 123 45 67`. */
  phone: z.string().optional(),
  birthdate: z.string().optional(),
  gender: z.enum(['m', 'f']).optional(),
  subscription: z.enum(['subscribed', 'unsubscribed']).optional(),
  customProperties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type PreviewContact = z.infer<typeof previewContactSchema>;

export const previewRowSchema = z.object({
  position: z.number(),
  /** Index of the row's segment among those checked. */
  segment: z.number().int().nonnegative(),
  /** The email as sent, or as read when the row is not sent. */
  email: z.string().nullable(),
  /** Null when the row is not sent. */
  contact: previewContactSchema.nullable(),
  problems: z.array(z.object({ kind: problemKindSchema, field: z.string(), reason: z.string() })),
  /**
   * The earlier preview row with the same email (after trimming and lower-casing): in the same
   * segment this row merges into it and is not sent; in another segment it is the same contact,
   * sent once with both tags.
   */
  duplicateOf: z.object({ position: z.number(), segment: z.number().int().nonnegative() }).nullable(),
});
export type PreviewRow = z.infer<typeof previewRowSchema>;

export const checkResultSchema = z.object({
  rowsChecked: z.number().int().nonnegative(),
  /** Distinct emails that will be sent. */
  contacts: z.number().int().nonnegative(),
  rowsNotSent: z.number().int().nonnegative(),
  valuesLeftOut: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  groups: z.array(problemGroupSchema),
  preview: z.array(previewRowSchema),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
