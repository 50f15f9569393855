import { LocalValidationError } from './errors.ts';
import type { ContactJson, ContactRequest } from './schemas.ts';

/**
 * Documented request limits (omnisend-api.md §4, §5), checked before a request is sent – and
 * before it takes a slot of the rate budget – so a request Omnisend would refuse never leaves.
 */

/** `POST /batches`: `items` 1–100 (CreateBatchRequest.maxItems). */
export const MAX_BATCH_ITEMS = 100;
/** "Recommended max payload ~1 MB per batch request"; decimal MB, to stay on the safe side. */
export const MAX_BATCH_BYTES = 1_000_000;
/** `/contacts/tags`: each selector list ≤ 250. */
export const MAX_TAG_EMAILS = 250;
/** `/contacts/tags`: `tags` 1–100. */
export const MAX_TAGS_PER_REQUEST = 100;

const encoder = new TextEncoder();

/**
 * The JSON body of a contact batch, or a LocalValidationError when it breaks a limit. Items are
 * contacts, or their JSON already written (the engine's queue holds them so).
 */
export function contactBatchBody(items: readonly (ContactRequest | ContactJson)[]): string {
  if (items.length === 0) {
    throw new LocalValidationError({ reason: 'empty-batch', detail: 'a batch needs at least one contact' });
  }
  if (items.length > MAX_BATCH_ITEMS) {
    throw new LocalValidationError({
      reason: 'too-many-items',
      detail: `a batch holds at most ${MAX_BATCH_ITEMS} contacts, this one has ${items.length}`,
    });
  }
  const listed = items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(',');
  const body = `{"endpoint":"contacts","method":"POST","items":[${listed}]}`;
  const bytes = encoder.encode(body).length;
  if (bytes > MAX_BATCH_BYTES) {
    throw new LocalValidationError({
      reason: 'batch-too-large',
      detail: `a batch body may be at most ${MAX_BATCH_BYTES} bytes, this one has ${bytes}`,
    });
  }
  return body;
}

export function checkTagRequest(emails: readonly string[], tags: readonly string[]): void {
  if (emails.length === 0) {
    throw new LocalValidationError({ reason: 'no-emails', detail: 'a tag request needs at least one email' });
  }
  if (emails.length > MAX_TAG_EMAILS) {
    throw new LocalValidationError({
      reason: 'too-many-emails',
      detail: `a tag request takes at most ${MAX_TAG_EMAILS} emails, this one has ${emails.length}`,
    });
  }
  if (tags.length === 0) {
    throw new LocalValidationError({ reason: 'no-tags', detail: 'a tag request needs at least one tag' });
  }
  if (tags.length > MAX_TAGS_PER_REQUEST) {
    throw new LocalValidationError({
      reason: 'too-many-tags',
      detail: `a tag request takes at most ${MAX_TAGS_PER_REQUEST} tags, this one has ${tags.length}`,
    });
  }
}
