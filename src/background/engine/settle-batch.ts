import { z } from 'zod';
import { ProblemTally } from '../../core/problem-tally.ts';
import type { TagOp } from '../../core/run/tag-plan.ts';
import { parseProblem } from '../../omnisend/errors.ts';
import type { Batch, BatchItem } from '../../omnisend/schemas.ts';
import { type LedgerEntry, needsTag, newLedgerEntry, parseLedgerEntry } from '../../storage/ledger.ts';
import { type RunRecord, rememberId } from '../../storage/run-records.ts';
import type { RejectedRow } from '../../storage/run-rejected.ts';
import type { BatchRecord } from '../../storage/run-work.ts';
import type { RunTx } from './run-transaction.ts';
import { enqueueTags } from './tag-queue.ts';

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
  batch: BatchRecord,
  result: Batch,
  segmentTags: readonly string[],
): Promise<void> {
  const outcomes = outcomesByEmail(result);
  const ledger = tx.objectStore('ledger');
  const rejected: RejectedRow[] = [];
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
    const outcome: Outcome =
      outcomes.get(ref.email) ??
      (result.status === 'finished'
        ? { ok: true, created: false }
        : { ok: false, item: null, reason: 'Omnisend stopped the batch before this contact.' });
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
    const problem = parseProblem(outcome.item?.response);
    const fieldError = problem.errors[0];
    const requestId = problem.instance;
    if (requestId) run.support.requestIds = rememberId(run.support.requestIds, requestId);
    const field = fieldError?.field || 'contact';
    const message = fieldError?.message || problem.detail || problem.title || outcome.reason;
    rejected.push({
      runId: run.id,
      seq: run.seq.rejected++,
      position: ref.position,
      kind: 'row',
      email: ref.email,
      field,
      reason: 'omnisend-rejected',
      message,
      ...(outcome.item ? { responseCode: outcome.item.responseCode } : {}),
      ...(requestId ? { requestId } : {}),
    });
    problems.add(
      { kind: 'row', field, reason: 'omnisend-rejected' },
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
