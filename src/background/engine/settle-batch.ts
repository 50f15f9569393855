import { ProblemTally } from '../../core/problem-tally.ts';
import type { TagOp } from '../../core/run/tag-plan.ts';
import type { ContactOutcome } from '../../omnisend/batch-outcome.ts';
import { type LedgerEntry, needsTag, newLedgerEntry, parseLedgerEntry } from '../../storage/ledger.ts';
import { type RunRecord, rememberId } from '../../storage/run-records.ts';
import type { RejectedRowRecord } from '../../storage/run-rejected.ts';
import type { BatchRecord } from '../../storage/run-work.ts';
import type { RunTx } from './run-transaction.ts';
import { enqueueTags } from './tag-queue.ts';

/**
 * Reads a settled batch's per-contact outcomes into the run (DESIGN.md §4): a contact Omnisend took
 * gets its fingerprint in the ledger and is queued for every segment tag it was read for and does
 * not carry yet; a contact it refused becomes a rejected row with Omnisend's reason and response
 * code, and keeps its old fingerprint so the next run sends it again. So does a contact Omnisend
 * did not confirm (`omnisend-unconfirmed`): nothing unconfirmed is counted as sent or tagged.
 */
export async function applyBatchResult(
  tx: RunTx,
  run: RunRecord,
  batch: BatchRecord,
  outcomeOf: (email: string) => ContactOutcome,
  segmentTags: readonly string[],
): Promise<void> {
  const ledger = tx.objectStore('ledger');
  const rejected: RejectedRowRecord[] = [];
  const tagCalls: { entry: LedgerEntry; op: TagOp; tag: string }[] = [];
  const entries = await Promise.all(
    batch.items.map(async (ref) => {
      const key: [string, string] = [run.exportId, ref.email];
      const value = await ledger.get(key);
      return value === undefined ? newLedgerEntry(run.exportId, ref.email) : parseLedgerEntry(value, key);
    }),
  );
  let failed = 0;
  const problems = ProblemTally.from(run.problems);
  batch.items.forEach((ref, index) => {
    const entry = entries[index]!;
    const outcome = outcomeOf(ref.email);
    if (entry.queued?.runId === run.id && entry.queued.fingerprint === ref.fingerprint) entry.queued = null;
    if (outcome.ok) {
      run.counters[outcome.created ? 'created' : 'updated']++;
      entry.fingerprint = ref.fingerprint;
      for (const tag of segmentTags) {
        if (entry.seen[tag] === run.id && needsTag(entry, tag)) tagCalls.push({ entry, op: 'add', tag });
      }
      return;
    }
    failed++;
    run.counters.rejected++;
    const { message, responseCode, requestId } = outcome;
    const field = outcome.field ?? 'contact';
    const reason = outcome.unconfirmed ? 'omnisend-unconfirmed' : 'omnisend-rejected';
    if (requestId) run.support.requestIds = rememberId(run.support.requestIds, requestId);
    rejected.push({
      runId: run.id,
      seq: run.seq.rejected++,
      position: ref.position,
      kind: 'row',
      email: ref.email,
      field,
      reason,
      message,
      ...(responseCode === undefined ? {} : { responseCode }),
      ...(requestId ? { requestId } : {}),
    });
    problems.add(
      { kind: 'row', field, reason },
      { position: ref.position, email: ref.email, value: message.slice(0, 200) },
    );
  });
  run.problems = problems.groups();
  const rejectedStore = tx.objectStore('runRejected');
  await Promise.all([enqueueTags(tx, run, tagCalls), ...rejected.map((row) => rejectedStore.put(row))]);
  await Promise.all(entries.map((entry) => ledger.put(entry)));
  await tx.objectStore('runBatches').put({ ...batch, state: 'settled', items: [], failed });
  run.seq.settled = Math.max(run.seq.settled, batch.seq + 1);
}
