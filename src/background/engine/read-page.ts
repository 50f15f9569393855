import { fingerprintContact } from '../../core/fingerprint.ts';
import { type MapResult, mapProfile } from '../../core/mapping/map-profile.ts';
import type { Mapping } from '../../core/mapping/mapping.ts';
import { ProblemTally } from '../../core/problem-tally.ts';
import type { TagOp } from '../../core/run/tag-plan.ts';
import type { SourceRow } from '../../sources/segment-source.ts';
import { type LedgerEntry, needsTag, newLedgerEntry, parseLedgerEntry } from '../../storage/ledger.ts';
import type { RunRecord } from '../../storage/run-records.ts';
import type { RejectedRowRecord } from '../../storage/run-rejected.ts';
import type { OutboxItem } from '../../storage/run-work.ts';
import type { RunTx } from './run-transaction.ts';
import { enqueueTags } from './tag-queue.ts';

export interface PageContext {
  tag: string;
  mapping: Mapping;
  /** `YYYY-MM-DD` today, the latest birthdate the mapping accepts. */
  today: string;
}

/**
 * One source page as one checkpoint: map every row, merge duplicate emails, diff against the
 * ledger, queue what changed for a batch and what is unchanged but untagged for a tag call, list
 * rejected rows, and move the read cursor past the page – all in one transaction, so a page is
 * either wholly done or read again.
 *
 * Duplicates: the first row of an email in a segment wins (source order); later rows with that
 * email count as `duplicates` and are not sent. The ledger's `seen` mark makes this hold across
 * pages without keeping the segment's emails in memory.
 */
export async function applyPage(
  tx: RunTx,
  run: RunRecord,
  rows: readonly SourceRow[],
  context: PageContext,
): Promise<void> {
  const mapped = rows.map((row) => ({
    row,
    result: mapProfile(row.values, context.mapping, { today: context.today }),
  }));
  const ledger = tx.objectStore('ledger');
  const emails = [...new Set(mapped.flatMap(({ result }) => (result.ok ? [emailOf(result)] : [])))];
  const entries = new Map<string, LedgerEntry>();
  await Promise.all(
    emails.map(async (email) => {
      const key: [string, string] = [run.exportId, email];
      const value = await ledger.get(key);
      entries.set(
        email,
        value === undefined ? newLedgerEntry(run.exportId, email) : parseLedgerEntry(value, key),
      );
    }),
  );

  const outbox: OutboxItem[] = [];
  const rejected: RejectedRowRecord[] = [];
  const tagCalls: { entry: LedgerEntry; op: TagOp; tag: string }[] = [];
  const problems = ProblemTally.from(run.problems);
  const reject = (row: SourceRow, fields: Omit<RejectedRowRecord, 'runId' | 'seq' | 'position'>) => {
    rejected.push({ runId: run.id, seq: run.seq.rejected++, position: row.position, ...fields });
    const { kind, field, reason, email, value } = fields;
    problems.add({ kind, field, reason }, { position: row.position, email, ...(value ? { value } : {}) });
  };

  for (const { row, result } of mapped) {
    run.counters.read++;
    if (!result.ok) {
      run.counters.rejected++;
      const raw = row.values[context.mapping.email];
      const { field, reason, value } = result.rejection;
      reject(row, {
        kind: 'row',
        email: typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 320) : null,
        field,
        reason,
        ...(value ? { value } : {}),
      });
      continue;
    }
    const email = emailOf(result);
    const entry = entries.get(email) ?? newLedgerEntry(run.exportId, email);
    if (entry.seen[context.tag] === run.id) {
      run.counters.duplicates++;
      continue;
    }
    entry.seen[context.tag] = run.id;
    for (const { field, reason, value } of result.notes) {
      reject(row, { kind: 'field', email, field, reason, ...(value ? { value } : {}) });
    }
    const fingerprint = fingerprintContact(result.contact, run.mappingVersion);
    if (!run.fullResync && entry.fingerprint === fingerprint) {
      run.counters.unchanged++;
      if (needsTag(entry, context.tag)) tagCalls.push({ entry, op: 'add', tag: context.tag });
    } else if (entry.queued?.runId === run.id && entry.queued.fingerprint === fingerprint) {
      // Queued already for another segment of this run: its batch tags every segment it was seen in.
    } else {
      entry.queued = { runId: run.id, fingerprint };
      outbox.push({
        runId: run.id,
        seq: run.seq.outbox++,
        email,
        tag: context.tag,
        position: row.position,
        fingerprint,
        contact: result.contact,
      });
    }
  }

  run.problems = problems.groups();
  const rejectedStore = tx.objectStore('runRejected');
  const outboxStore = tx.objectStore('runOutbox');
  await Promise.all([
    enqueueTags(tx, run, tagCalls),
    ...outbox.map((item) => outboxStore.put(item)),
    ...rejected.map((row) => rejectedStore.put(row)),
  ]);
  await Promise.all([...entries.values()].map((entry) => ledger.put(entry)));
}

function emailOf(result: Extract<MapResult, { ok: true }>): string {
  return result.contact.identifiers[0].id;
}
