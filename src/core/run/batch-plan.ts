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

/** A batch being filled: how many items it holds and their bytes, commas between them included. */
export interface OpenBatch {
  items: number;
  bytes: number;
}

/**
 * Packs queued items into batches: first as many as still fit `open` (the last batch, still
 * being filled; null when there is none), then new batches, each as full as the limits allow.
 * Every item must fit a batch alone (check `planBatch([size])` first).
 * @returns how many items top `open` up, and the item count of each new batch
 */
export function packBatches(
  itemBytes: readonly number[],
  limits: BatchLimits,
  open: OpenBatch | null,
): { topUp: number; batches: number[] } {
  let topUp = 0;
  if (open !== null && open.items < limits.maxItems) {
    const plan = planBatch(itemBytes, {
      maxItems: limits.maxItems - open.items,
      maxBytes: limits.maxBytes,
      // The first added item is preceded by a comma too.
      envelopeBytes: limits.envelopeBytes + open.bytes + 1,
    });
    if (plan.kind === 'send') topUp = plan.take;
  }
  const batches: number[] = [];
  for (let at = topUp; at < itemBytes.length; ) {
    const plan = planBatch(itemBytes.slice(at, at + limits.maxItems), limits);
    if (plan.kind !== 'send') throw new RangeError(`item ${at} does not fit a batch`);
    batches.push(plan.take);
    at += plan.take;
  }
  return { topUp, batches };
}

/** Bytes of items packed as one batch's item list: their sizes plus the commas between them. */
export function packedBytes(itemBytes: readonly number[]): number {
  return itemBytes.reduce((sum, size) => sum + size, 0) + Math.max(0, itemBytes.length - 1);
}
