import { z } from 'zod';
import { parseProblem } from '../../omnisend/errors.ts';
import type { Batch, BatchItem } from '../../omnisend/schemas.ts';
import type { LoadedLedger } from '../../storage/ledger.ts';
import { type RunRecord, rememberId } from '../../storage/run-records.ts';
import type { RejectedRow } from '../../storage/run-rejected.ts';
import type { BatchRecord } from '../../storage/run-work.ts';
import { LedgerChanges } from './ledger-changes.ts';
import type { RunTx } from './run-transaction.ts';

const sentItemSchema = z.looseObject({
  identifiers: z.array(z.looseObject({ type: z.string().optional(), id: z.string() })).min(1),
});
/** A successful item's response is the contact; Omnisend may not echo old requests back. */
const contactEmailSchema = z.looseObject({ email: z.string() });

type Outcome = { ok: true; created: boolean } | { ok: false; item: BatchItem | null; reason: string };

/**
 * Reads a settled batch's per-item results into the run (DESIGN.md §4): a contact Omnisend took
 * gets its fingerprint in the ledger and is queued for every segment tag it was read for and does
 * not carry yet; a contact it refused becomes a rejected row with Omnisend's reason and response
 * code, and keeps its old fingerprint so the next run sends it again.
 */
export async function applyBatchResult(
  tx: RunTx,
  run: RunRecord,
  ledger: LoadedLedger,
  batch: BatchRecord,
  result: Batch,
  segmentTags: readonly string[],
): Promise<void> {
  const outcomes = outcomesByEmail(result);
  const changes = new LedgerChanges(ledger, run.id);
  const { index } = changes;
  const rejected: RejectedRow[] = [];
  let failed = 0;
  for (const ref of batch.items) {
    const id = changes.entry(ref.email);
    const outcome: Outcome =
      outcomes.get(ref.email) ??
      (result.status === 'finished'
        ? { ok: true, created: false }
        : { ok: false, item: null, reason: 'Omnisend stopped the batch before this contact.' });
    if (outcome.ok) {
      run.counters[outcome.created ? 'created' : 'updated']++;
      index.setFingerprint(id, ref.fingerprint);
      for (const tag of segmentTags) {
        const bit = changes.bit(tag);
        if ((index.seen(id) & bit) !== 0 && index.needsTag(id, bit))
          changes.enqueue(id, ref.email, 'add', tag);
      }
      continue;
    }
    failed++;
    run.counters.rejected++;
    const problem = parseProblem(outcome.item?.response);
    const fieldError = problem.errors[0];
    const requestId = problem.instance;
    if (requestId) run.support.requestIds = rememberId(run.support.requestIds, requestId);
    rejected.push({
      runId: run.id,
      seq: run.seq.rejected++,
      position: ref.position,
      kind: 'row',
      email: ref.email,
      field: fieldError?.field || 'contact',
      reason: 'omnisend-rejected',
      message: fieldError?.message || problem.detail || problem.title || outcome.reason,
      ...(outcome.item ? { responseCode: outcome.item.responseCode } : {}),
      ...(requestId ? { requestId } : {}),
    });
  }
  const rejectedStore = tx.objectStore('runRejected');
  await Promise.all([
    changes.write(tx, run),
    ...rejected.map((row) => rejectedStore.put(row)),
    tx.objectStore('runBatches').put({ ...batch, state: 'settled', items: [], failed }),
  ]);
  run.seq.settled = Math.max(run.seq.settled, batch.seq + 1);
}

function outcomesByEmail(result: Batch): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  const emailOf = (item: BatchItem) => {
    const sent = sentItemSchema.safeParse(item.request);
    if (sent.success) return sent.data.identifiers.find((i) => i.type !== 'phone')?.id;
    const contact = contactEmailSchema.safeParse(item.response);
    return contact.success ? contact.data.email : undefined;
  };
  for (const item of result.responses) {
    const email = emailOf(item);
    if (email === undefined) continue;
    outcomes.set(
      email,
      item.responseCode >= 200 && item.responseCode < 300
        ? { ok: true, created: item.responseCode === 201 }
        : { ok: false, item, reason: `Omnisend answered ${item.responseCode}.` },
    );
  }
  for (const item of result.errors) {
    const email = emailOf(item);
    if (email !== undefined)
      outcomes.set(email, { ok: false, item, reason: `Omnisend answered ${item.responseCode}.` });
  }
  return outcomes;
}
