import { z } from 'zod';
import { parseProblem } from './errors.ts';
import type { Batch, BatchItem, ListedBatch } from './schemas.ts';

/**
 * What Omnisend did with each contact of a contact batch, read from `GET /batches/{id}/items`
 * (its `responses[]` and `errors[]`, omnisend-api.md §4) so that nobody outside src/omnisend reads
 * Omnisend's wire format.
 */

/** One contact's outcome: taken (created or updated), or refused with Omnisend's reason. */
export type ContactOutcome =
  | {
      ok: true;
      created: boolean;
      /** The contact's tags as Omnisend answered after the upsert (which sends none), when it did. */
      tags?: readonly string[];
    }
  | {
      ok: false;
      /** The contact field Omnisend objected to, when it named one. */
      field?: string;
      /** Omnisend's own words, or what became of the batch. */
      message: string;
      /** The HTTP status the contact got, as if sent alone. */
      responseCode?: number;
      /** Omnisend's request id (`instance`), for support. */
      requestId?: string;
      /** Omnisend did not say what became of the contact: it is not known to have arrived. */
      unconfirmed?: true;
    };

/** A batch still being worked on, or settled with an outcome for every contact sent in it. */
export type BatchOutcome = { settled: false } | { settled: true; outcomeOf(email: string): ContactOutcome };

const notReached: ContactOutcome = { ok: false, message: 'Omnisend stopped the batch before this contact.' };

/**
 * Omnisend no longer knows the batch (404): none of its contacts is known to have arrived, so each
 * counts as refused and is sent again by the next run.
 */
export const missingBatch: BatchOutcome = { settled: true, outcomeOf: () => notReached };

const sentItemSchema = z.looseObject({
  identifiers: z.array(z.looseObject({ type: z.string().optional(), id: z.string() })).min(1),
});
/**
 * A successful item's response is the contact (ContactResponse, with its `tags`: a guess, the
 * batches document leaves items untyped – test/sandbox/omnisend/README.md); Omnisend may not
 * echo old requests back.
 */
const contactEmailSchema = z.looseObject({ email: z.string() });
const contactTagsSchema = z.looseObject({ tags: z.array(z.string()) });

function taken(item: BatchItem): ContactOutcome {
  const contact = contactTagsSchema.safeParse(item.response);
  return {
    ok: true,
    created: item.responseCode === 201,
    ...(contact.success ? { tags: contact.data.tags } : {}),
  };
}

function emailOf(item: BatchItem): string | undefined {
  const sent = sentItemSchema.safeParse(item.request);
  if (sent.success) return sent.data.identifiers.find((i) => i.type !== 'phone')?.id;
  const contact = contactEmailSchema.safeParse(item.response);
  return contact.success ? contact.data.email : undefined;
}

function refused(item: BatchItem): ContactOutcome {
  const problem = parseProblem(item.response);
  const fieldError = problem.errors[0];
  return {
    ok: false,
    ...(fieldError?.field ? { field: fieldError.field } : {}),
    message:
      fieldError?.message || problem.detail || problem.title || `Omnisend answered ${item.responseCode}.`,
    responseCode: item.responseCode,
    ...(problem.instance ? { requestId: problem.instance } : {}),
  };
}

/**
 * Omnisend finished the batch but listed the contact neither in `responses[]` nor in `errors[]`.
 * Nothing confirms it arrived, so it is not counted as sent, gets no tag (a tag call on a contact
 * that does not exist would create it untagged by segment rules) and is sent again next run.
 */
const notListed: ContactOutcome = {
  ok: false,
  message:
    'Omnisend finished the batch without saying what became of this contact; it is sent again next run.',
  unconfirmed: true,
};

/**
 * The batch's outcome. Only a contact Omnisend lists in `responses[]` counts as taken; one it lists
 * nowhere is unconfirmed when the batch finished, and not reached when Omnisend stopped the batch
 * (after too many errors).
 */
export function batchOutcome(batch: Batch): BatchOutcome {
  if (batch.status === 'pending' || batch.status === 'inProgress') return { settled: false };
  const outcomes = new Map<string, ContactOutcome>();
  for (const item of batch.responses) {
    const email = emailOf(item);
    if (email === undefined) continue;
    outcomes.set(email, item.responseCode >= 200 && item.responseCode < 300 ? taken(item) : refused(item));
  }
  for (const item of batch.errors) {
    const email = emailOf(item);
    if (email !== undefined) outcomes.set(email, refused(item));
  }
  const unlisted = batch.status === 'finished' ? notListed : notReached;
  return { settled: true, outcomeOf: (email) => outcomes.get(email) ?? unlisted };
}

/**
 * A GET /batches entry's outcome, or null when the entry does not settle the batch on its own and
 * its items must be read (GET /batches/{id}/items): a finished entry without per-item results, with
 * fewer than its contacts, or with one whose contact cannot be told; a stopped batch. Whether list
 * entries carry per-item results at all is a guess (test/sandbox/omnisend/README.md), so nothing
 * is concluded from a missing contact there.
 */
export function listedBatchOutcome(entry: ListedBatch): BatchOutcome | null {
  if (entry.status === 'pending' || entry.status === 'inProgress') return { settled: false };
  const { responses, errors } = entry;
  if (entry.status !== 'finished' || !responses || !errors) return null;
  const items = [...responses, ...errors];
  if (items.length !== entry.totalCount || items.some((item) => emailOf(item) === undefined)) return null;
  return batchOutcome({ ...entry, responses, errors });
}
