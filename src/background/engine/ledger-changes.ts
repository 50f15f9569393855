import type { TagOp } from '../../core/run/tag-plan.ts';
import { type LedgerLogRecord, type LoadedLedger, ledgerLogRecord } from '../../storage/ledger.ts';
import type { RunRecord } from '../../storage/run-records.ts';
import type { TagChunk } from '../../storage/run-work.ts';
import type { RunTx } from './run-transaction.ts';
import { adjustTagCount } from './tag-queue.ts';

/**
 * What one checkpoint changes in the ledger: it changes the run's in-memory index at once (the
 * checkpoint's transaction holds the run, so no other checkpoint runs meanwhile), remembers which
 * emails it touched and which tag calls it queued, and `write` stores them as one log record and
 * one runTags record per op and tag. A transaction that does not commit ends the run's driver, and
 * the next one loads the ledger again from what was stored.
 */
export class LedgerChanges {
  readonly #touched = new Map<string, number>();
  readonly #calls = new Map<string, { op: TagOp; tag: string; emails: string[] }>();

  /** `kind`: 'page' when the checkpoint read source rows, else 'update' (ledger.ts). */
  constructor(
    readonly ledger: LoadedLedger,
    readonly runId: string,
    readonly kind: LedgerLogRecord['kind'] = 'update',
  ) {}

  get index() {
    return this.ledger.index;
  }

  bit(tag: string): number {
    return this.ledger.table.bit(tag);
  }

  /** The entry of `email` (added when new), to be logged with this checkpoint. */
  entry(email: string): number {
    const id = this.ledger.index.entry(email);
    this.#touched.set(email, id);
    return id;
  }

  /** Queues a tag call for the email unless this run has queued one for that tag already. */
  enqueue(id: number, email: string, op: TagOp, tag: string): void {
    const bit = this.bit(tag);
    const { index } = this.ledger;
    if ((index.enqueued(id) & bit) !== 0) return;
    index.markEnqueued(id, bit, op);
    this.#touched.set(email, id);
    const key = `${op}\u0000${tag}`;
    const group = this.#calls.get(key) ?? { op, tag, emails: [] };
    group.emails.push(email);
    this.#calls.set(key, group);
  }

  /** The tag goes inside the contact's batch item: pending like a queued call, but no call is queued. */
  tagInItem(id: number, email: string, bit: number): void {
    this.ledger.index.markEnqueued(id, bit, 'add');
    this.#touched.set(email, id);
  }

  async write(tx: RunTx, run: RunRecord): Promise<void> {
    const writes: Promise<unknown>[] = [];
    if (this.#touched.size > 0)
      writes.push(
        tx.objectStore('ledgerLog').put(ledgerLogRecord(this.ledger, this.runId, this.kind, this.#touched)),
      );
    const tags = tx.objectStore('runTags');
    for (const { op, tag, emails } of this.#calls.values()) {
      const chunk: TagChunk = { runId: run.id, op, tag, seq: run.seq.tagChunk++, emails };
      writes.push(tags.put(chunk));
      adjustTagCount(run, op, tag, emails.length);
    }
    await Promise.all(writes);
  }
}
