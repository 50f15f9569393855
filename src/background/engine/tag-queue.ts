import type { TagOp } from '../../core/run/tag-plan.ts';
import type { LedgerEntry } from '../../storage/ledger.ts';
import type { RunRecord } from '../../storage/run-records.ts';
import type { RunTx } from './run-transaction.ts';

/**
 * Queues tag calls inside a checkpoint. The queue is keyed by run, op, tag and email, so queueing
 * the same call twice leaves one entry; the run record keeps the count per op and tag.
 */
export async function enqueueTags(
  tx: RunTx,
  run: RunRecord,
  calls: readonly { entry: LedgerEntry; op: TagOp; tag: string }[],
): Promise<void> {
  const store = tx.objectStore('runTags');
  const added = await Promise.all(
    calls.map(async ({ entry, op, tag }) => {
      entry.pending[tag] = op;
      const key: [string, string, string, string] = [run.id, op, tag, entry.email];
      if ((await store.getKey(key)) !== undefined) return null;
      await store.put({ runId: run.id, op, tag, email: entry.email });
      return { op, tag };
    }),
  );
  for (const call of added) if (call) adjustTagCount(run, call.op, call.tag, 1);
}

export function adjustTagCount(run: RunRecord, op: TagOp, tag: string, delta: number): void {
  const group = run.tagQueue.find((g) => g.op === op && g.tag === tag);
  if (group) group.count += delta;
  else run.tagQueue.push({ op, tag, count: delta });
  run.tagQueue = run.tagQueue.filter((g) => g.count > 0);
}
