import { ProblemTally } from '../../core/problem-tally.ts';
import type { ContactOutcome } from '../../omnisend/batch-outcome.ts';
import type { LoadedLedger } from '../../storage/ledger.ts';
import { OVERWRITTEN_EXAMPLES, type RunRecord, rememberId } from '../../storage/run-records.ts';
import type { RejectedRowRecord } from '../../storage/run-rejected.ts';
import type { BatchRecord } from '../../storage/run-work.ts';
import { LedgerChanges } from './ledger-changes.ts';
import type { RunTx } from './run-transaction.ts';

/**
 * Reads settled batches' per-contact outcomes into the run, in the order they were submitted, as
 * one checkpoint (DESIGN.md §4): a contact Omnisend took
 * gets its fingerprint in the ledger and is queued for every segment tag it was read for and does
 * not carry yet; a contact it refused becomes a rejected row with Omnisend's reason and response
 * code, and keeps its old fingerprint so the next run sends it again. So does a contact Omnisend
 * did not confirm (`omnisend-unconfirmed`): nothing unconfirmed is counted as sent or tagged.
 */
export async function applyBatchResults(
  tx: RunTx,
  run: RunRecord,
  ledger: LoadedLedger,
  settled: readonly SettledBatch[],
  segmentTags: readonly string[],
): Promise<void> {
  // One ledger log record and one tag queue record for all of them: IndexedDB charges per record.
  const changes = new LedgerChanges(ledger, run.id);
  const writes: Promise<unknown>[] = [];
  const problems = ProblemTally.from(run.problems);
  for (const { batch, outcomeOf } of settled)
    writes.push(...settleOne(tx, run, changes, problems, batch, outcomeOf, segmentTags));
  run.problems = problems.groups();
  await Promise.all([changes.write(tx, run), ...writes]);
}

/** A submitted batch and what Omnisend did with each of its contacts. */
export interface SettledBatch {
  batch: BatchRecord;
  outcomeOf: (email: string) => ContactOutcome;
}

function settleOne(
  tx: RunTx,
  run: RunRecord,
  changes: LedgerChanges,
  problems: ProblemTally,
  batch: BatchRecord,
  outcomeOf: (email: string) => ContactOutcome,
  segmentTags: readonly string[],
): Promise<unknown>[] {
  const { index } = changes;
  const rejected: RejectedRowRecord[] = [];
  let failed = 0;
  const created: string[] = [];
  /** Emails whose tag went inside their item, by tag: changes Undo takes back like a tag call's. */
  const taggedInItems = new Map<string, string[]>();
  for (const ref of batch.items) {
    const id = changes.entry(ref.email);
    const outcome = outcomeOf(ref.email);
    if (outcome.ok) {
      run.counters[outcome.created ? 'created' : 'updated']++;
      if (outcome.created) created.push(ref.email);
      index.setFingerprint(id, ref.fingerprint);
      // Its tag went inside the item (the planner): Omnisend applied it with the contact.
      if (ref.tagged) {
        if (!outcome.created) noteOverwritten(run, ref.email);
        index.confirm(id, changes.bit(ref.tag), 'add');
        const emails = taggedInItems.get(ref.tag);
        if (emails === undefined) taggedInItems.set(ref.tag, [ref.email]);
        else emails.push(ref.email);
        run.counters.tagged++;
        run.tagsInItems = (run.tagsInItems ?? 0) + 1;
      }
      for (const tag of segmentTags) {
        const bit = changes.bit(tag);
        // It carries the tag, and not from us: someone else's, so the ledger never claims it and
        // neither Mirror, retiring the tag nor Undo ever takes it away. Omnisend shows it anew
        // with every upsert: once it is gone, the tag is added (and ours).
        if (outcome.tags && !index.mayHaveOurTag(id, bit))
          index.setForeign(id, bit, outcome.tags.includes(tag));
        if ((index.seen(id) & bit) !== 0 && index.needsTag(id, bit))
          changes.enqueue(id, ref.email, 'add', tag);
      }
      continue;
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
  }
  run.seq.settled = Math.max(run.seq.settled, batch.seq + 1);
  const rejectedStore = tx.objectStore('runRejected');
  // Kept for Undo, which lists the contacts a run created (they stay, the API deletes none) and
  // takes back the tags that went inside items.
  const runChanges = tx.objectStore('runChanges');
  return [
    ...(created.length > 0
      ? [runChanges.put({ runId: run.id, seq: run.seq.changes++, op: 'create', tag: '', emails: created })]
      : []),
    ...[...taggedInItems].map(([tag, emails]) =>
      runChanges.put({ runId: run.id, seq: run.seq.changes++, op: 'add', tag, emails }),
    ),
    ...rejected.map((row) => rejectedStore.put(row)),
    tx.objectStore('runBatches').put({ ...batch, state: 'settled', items: [], failed }),
  ];
}

/**
 * A contact the snapshot proved new was in Omnisend when its item, tag inside, arrived (200, not
 * 201): created there by someone else since – or by this run's own batch sent again after its
 * answer was lost, which nothing in the answer tells apart. The item's tags replaced any it had
 * been given, and Omnisend's answer shows the contact after the upsert, so those tags cannot be
 * known. History names it; the run's remaining tags go through the tag lane (read-page.ts).
 */
function noteOverwritten(run: RunRecord, email: string): void {
  const count = (run.overwritten?.count ?? 0) + 1;
  const emails = run.overwritten?.emails ?? [];
  run.overwritten = {
    count,
    emails: emails.length < OVERWRITTEN_EXAMPLES ? [...emails, email] : emails,
  };
}
