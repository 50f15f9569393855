import { ID_KIND, objectId, parseObjectId } from './object-id.ts';

/**
 * Batches and their asynchronous life (omnisend-api.md §4):
 *
 *   POST /batches ──► pending ──(delay)──► inProgress ──(delay)──► finished
 *                        ▲ held here while `keepBatchesPending` is on
 *
 * Every batch runs on its own timers, so many are processed at once and processing never becomes
 * the bottleneck of a run. Items are applied when the batch finishes. `stopped` (halted after too
 * many errors) is never reached: Omnisend does not document the threshold.
 * Memory: item requests are kept for the newest `retainedBatches` batches only; a rejected item
 * keeps its request for good, and a successful item's `response` is the contact as it is now.
 */

export type BatchStatus = 'pending' | 'inProgress' | 'finished' | 'stopped';

export interface ItemOutcome {
  responseCode: number;
  /** For rejected items: the problem body and the request as sent. */
  problem?: unknown;
  request?: unknown;
  /** For upserted items. */
  contactId?: string;
}

export interface StoredBatch {
  seq: number;
  batchID: string;
  brandId: string;
  endpoint: string;
  method: string;
  origin: string | undefined;
  status: BatchStatus;
  totalCount: number;
  finishedCount: number;
  errorsCount: number;
  createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** The items as sent; dropped once the batch falls out of retention. */
  items: unknown[] | undefined;
  outcomes: ItemOutcome[];
}

export interface BatchSummary {
  batchID: string;
  status: BatchStatus;
  endpoint: string;
  method: string;
  origin?: string;
  totalCount: number;
  finishedCount: number;
  errorsCount: number;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
}

export interface BatchItemView {
  itemID: string;
  status: 'finished';
  request: unknown;
  response: unknown;
  responseCode: number;
}

export interface BatchListFilter {
  endpoint: string;
  status?: BatchStatus;
  /** Inclusive bounds on createdAt, epoch ms. */
  from?: number;
  to?: number;
}

export interface BatchStoreOptions {
  delayMs: number;
  retainedBatches: number;
  /** Applies the items of a batch and fills its outcomes and counts. */
  process(batch: StoredBatch): void;
}

export class BatchStore {
  readonly #batches: StoredBatch[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #held = new Set<StoredBatch>();
  readonly #retained: StoredBatch[] = [];
  readonly #options: BatchStoreOptions;
  #keepPending = false;
  #active = 0;

  constructor(options: BatchStoreOptions) {
    this.#options = options;
  }

  /** Batches on their way to finished (not counting those held pending). */
  get moving(): number {
    return this.#active - this.#held.size;
  }

  create(
    init: Pick<StoredBatch, 'brandId' | 'endpoint' | 'method' | 'origin'> & { items: unknown[] },
    now: number,
  ): StoredBatch {
    const seq = this.#batches.length + 1;
    const batch: StoredBatch = {
      ...init,
      seq,
      batchID: objectId(ID_KIND.batch, seq),
      status: 'pending',
      totalCount: init.items.length,
      finishedCount: 0,
      errorsCount: 0,
      createdAt: now,
      startedAt: undefined,
      endedAt: undefined,
      outcomes: [],
    };
    this.#batches.push(batch);
    this.#active++;
    this.#after(() => (this.#keepPending ? this.#held.add(batch) : this.#start(batch)));
    return batch;
  }

  get(brandId: string, batchID: string): StoredBatch | undefined {
    const seq = parseObjectId(ID_KIND.batch, batchID);
    const batch = seq === undefined ? undefined : this.#batches[seq - 1];
    return batch?.brandId === brandId ? batch : undefined;
  }

  /** Newest first, like the app's API issue list. */
  list(brandId: string, filter: BatchListFilter): StoredBatch[] {
    const result: StoredBatch[] = [];
    for (let index = this.#batches.length - 1; index >= 0; index--) {
      const batch = this.#batches[index];
      if (
        batch &&
        batch.brandId === brandId &&
        batch.endpoint === filter.endpoint &&
        (filter.status === undefined || batch.status === filter.status) &&
        (filter.from === undefined || batch.createdAt >= filter.from) &&
        (filter.to === undefined || batch.createdAt <= filter.to)
      ) {
        result.push(batch);
      }
    }
    return result;
  }

  keepPending(keep: boolean): void {
    this.#keepPending = keep;
    if (keep) return;
    for (const batch of this.#held) this.#start(batch);
    this.#held.clear();
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #start(batch: StoredBatch): void {
    batch.status = 'inProgress';
    batch.startedAt = Date.now();
    this.#after(() => {
      this.#options.process(batch);
      batch.status = 'finished';
      batch.endedAt = Date.now();
      this.#active--;
      this.#retain(batch);
    });
  }

  #retain(batch: StoredBatch): void {
    this.#retained.push(batch);
    while (this.#retained.length > this.#options.retainedBatches) {
      const oldest = this.#retained.shift();
      if (oldest) oldest.items = undefined;
    }
  }

  #after(step: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      step();
    }, this.#options.delayMs);
    this.#timers.add(timer);
  }
}

const iso = (time: number): string => new Date(time).toISOString();

export function batchSummary(batch: StoredBatch): BatchSummary {
  return {
    batchID: batch.batchID,
    status: batch.status,
    endpoint: batch.endpoint,
    method: batch.method,
    ...(batch.origin === undefined ? {} : { origin: batch.origin }),
    totalCount: batch.totalCount,
    finishedCount: batch.finishedCount,
    errorsCount: batch.errorsCount,
    createdAt: iso(batch.createdAt),
    ...(batch.startedAt === undefined ? {} : { startedAt: iso(batch.startedAt) }),
    ...(batch.endedAt === undefined ? {} : { endedAt: iso(batch.endedAt) }),
  };
}

/** GET /batches/{id}/items: rejected items in `errors`, the others in `responses`, in item order. */
export function batchWithItems(
  batch: StoredBatch,
  contactById: (id: string) => unknown,
): BatchSummary & { errors: BatchItemView[]; responses: BatchItemView[] } {
  const errors: BatchItemView[] = [];
  const responses: BatchItemView[] = [];
  for (const [index, outcome] of batch.outcomes.entries()) {
    const rejected = outcome.responseCode >= 400;
    const item: BatchItemView = {
      itemID: objectId(ID_KIND.item, batch.seq * 1000 + index),
      status: 'finished',
      request: outcome.request ?? batch.items?.[index] ?? null,
      response: rejected ? outcome.problem : outcome.contactId ? contactById(outcome.contactId) : {},
      responseCode: outcome.responseCode,
    };
    (rejected ? errors : responses).push(item);
  }
  return { ...batchSummary(batch), errors, responses };
}
