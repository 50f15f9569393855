/**
 * How many queued contacts go into the next `POST /batches`: at most `maxItems`, and a request
 * body of at most `maxBytes` (omnisend-api.md §4: 100 items, ~1 MB).
 */
export interface BatchLimits {
  maxItems: number;
  maxBytes: number;
  /** Bytes of the body without any item: `{"endpoint":"contacts","method":"POST","items":[]}`. */
  envelopeBytes: number;
}

export type BatchPlan =
  /** Send the first `take` items. */
  | { kind: 'send'; take: number }
  /** The first item alone exceeds the byte limit: it can never be sent. */
  | { kind: 'oversized' }
  | { kind: 'empty' };

/** @param itemBytes UTF-8 size of each queued item's JSON, in queue order. */
export function planBatch(itemBytes: readonly number[], limits: BatchLimits): BatchPlan {
  if (itemBytes.length === 0) return { kind: 'empty' };
  let bytes = limits.envelopeBytes;
  let take = 0;
  for (const size of itemBytes) {
    if (take === limits.maxItems) break;
    // Items after the first are preceded by a comma.
    const next = bytes + size + (take > 0 ? 1 : 0);
    if (next > limits.maxBytes) break;
    bytes = next;
    take++;
  }
  return take === 0 ? { kind: 'oversized' } : { kind: 'send', take };
}
