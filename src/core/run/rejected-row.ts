import { z } from 'zod';

/**
 * A row a run could not send as read (DESIGN.md §3), as History lists it and its CSV download
 * holds it: where it is in its source, the email as read, the field and why.
 */
export const rejectedRowSchema = z.object({
  position: z.number(),
  /** `row`: the contact was not sent. `field`: it was sent without this field's value. */
  kind: z.enum(['row', 'field']),
  /** The email as read from the source (normalised when it was valid), or null when blank. */
  email: z.string().nullable(),
  /** The source field the reason is about. */
  field: z.string(),
  /** The value as read, shortened, when it was not blank. */
  value: z.string().optional(),
  /** A reason code (translated by the UI), e.g. `email-invalid`, or `omnisend-rejected` with Omnisend's own words. */
  reason: z.string(),
  /** What Omnisend said, for rows it refused. */
  message: z.string().optional(),
  requestId: z.string().optional(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;
