import { canonicalJson, fingerprintContactJson, utf8Length } from '../../core/fingerprint.ts';
import { type MapResult, mapProfile } from '../../core/mapping/map-profile.ts';
import type { Mapping } from '../../core/mapping/mapping.ts';
import { ProblemTally } from '../../core/problem-tally.ts';
import { type BatchLimits, packBatches, packedBytes } from '../../core/run/batch-plan.ts';
import { type BrandFacts, driftOf, forgetDeleted } from '../../core/run/brand-facts.ts';
import { classifyMember } from '../../core/run/classify-member.ts';
import { type ContactJson, toContactJson } from '../../omnisend/schemas.ts';
import type { SourceRow } from '../../sources/segment-source.ts';
import type { LoadedLedger } from '../../storage/ledger.ts';
import type { RunRecord } from '../../storage/run-records.ts';
import type { RejectedRowRecord } from '../../storage/run-rejected.ts';
import { type OutboxChunk, type OutboxItem, parseOutboxChunk } from '../../storage/run-work.ts';
import { LedgerChanges } from './ledger-changes.ts';
import type { RunTx } from './run-transaction.ts';

export interface PageContext {
  tag: string;
  mapping: Mapping;
  /** `YYYY-MM-DD` today, the latest birthdate the mapping accepts. */
  today: string;
  mappingVersion: string;
  limits: BatchLimits;
  /** The brand snapshot's word on the page's contacts; null without a snapshot (no planner, no repair). */
  brand: BrandFacts | null;
}

/** A source row mapped: what is known before the ledger is asked. */
export type MappedRow =
  | { row: SourceRow; ok: false; rejection: Extract<MapResult, { ok: false }>['rejection'] }
  | {
      row: SourceRow;
      ok: true;
      email: string;
      result: Extract<MapResult, { ok: true }>;
      /** The contact as its batch sends it. */
      json: ContactJson;
      fingerprint: string;
      /** UTF-8 size of the contact's JSON in a batch body. */
      bytes: number;
    };

/** Maps a page's rows: pure work, done before the checkpoint's transaction opens. */
export function mapPage(
  rows: readonly SourceRow[],
  context: Pick<PageContext, 'mapping' | 'today' | 'mappingVersion'>,
): MappedRow[] {
  return rows.map((row) => {
    const result = mapProfile(row.values, context.mapping, { today: context.today });
    if (!result.ok) return { row, ok: false, rejection: result.rejection };
    // Canonical JSON fingerprints the contact, and is what its batch sends.
    const json = toContactJson(result.contact, canonicalJson);
    return {
      row,
      ok: true,
      email: result.contact.identifiers[0].id,
      result,
      json,
      fingerprint: fingerprintContactJson(json, context.mappingVersion),
      bytes: utf8Length(json),
    };
  });
}

/**
 * One source page as one checkpoint: diff its mapped rows against the ledger, queue what changed
 * for batches and what is unchanged but untagged for a tag call, list rejected rows – all in one
 * transaction, so a page is either wholly done or read again. It writes a handful of records
 * whatever the page's size: the queued contacts many to a record, one ledger log record.
 *
 * Duplicates: the first row of an email wins (source order) – within a segment later rows count
 * as `duplicates`, and a contact queued for one segment is not queued again for another (its
 * batch tags every segment it was read in). The ledger's `seen` marks make this hold across
 * pages without keeping the segment's emails in memory.
 *
 * @returns the outbox chunks it wrote
 */
export async function applyPage(
  tx: RunTx,
  run: RunRecord,
  ledger: LoadedLedger,
  mapped: readonly MappedRow[],
  context: PageContext,
  /** The outbox chunk of a seq as the driver holds it unsent in memory, if it does. */
  unsent: (seq: number) => OutboxChunk | undefined = () => undefined,
): Promise<OutboxChunk[]> {
  const changes = new LedgerChanges(ledger, run.id, 'page');
  const { index } = changes;
  const bit = changes.bit(context.tag);
  const queued: { item: OutboxItem; bytes: number }[] = [];
  const rejected: RejectedRowRecord[] = [];
  const problems = ProblemTally.from(run.problems);
  const reject = (row: SourceRow, fields: Omit<RejectedRowRecord, 'runId' | 'seq' | 'position'>) => {
    rejected.push({ runId: run.id, seq: run.seq.rejected++, position: row.position, ...fields });
    const { kind, field, reason, email, value } = fields;
    problems.add({ kind, field, reason }, { position: row.position, email, ...(value ? { value } : {}) });
  };

  for (const entry of mapped) {
    const { row } = entry;
    run.counters.read++;
    if (!entry.ok) {
      run.counters.rejected++;
      const raw = row.values[context.mapping.email];
      const { field, reason, value } = entry.rejection;
      reject(row, {
        kind: 'row',
        email: typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 320) : null,
        field,
        reason,
        ...(value ? { value } : {}),
      });
      continue;
    }
    const { email } = entry;
    const id = changes.entry(email);
    const plan = classifyMember(index, id, bit, entry, {
      fullResync: run.fullResync,
      limits: context.limits,
    });
    if (plan.kind === 'duplicate') {
      run.counters.duplicates++;
      continue;
    }
    for (const { field, reason, value } of entry.result.notes) {
      reject(row, { kind: 'field', email, field, reason, ...(value ? { value } : {}) });
    }
    // A contact this run sent is newer than the snapshot: no drift.
    const drift =
      plan.kind === 'unchanged' && !index.queued(id) && context.brand
        ? driftOf(index, id, bit, context.tag, email, context.brand)
        : null;
    if (drift !== null) noteRepair(run, drift);
    if (drift === 'untagged') index.confirm(id, bit, 'remove');
    if (drift === 'deleted') {
      forgetDeleted(index, id);
      index.markQueued(id);
      queued.push(queueItem(entry, row.position, changes, id, bit, run, context));
    } else if (plan.kind === 'unchanged') {
      if (!plan.again) run.counters.unchanged++;
      if (index.needsTag(id, bit)) changes.enqueue(id, email, 'add', context.tag);
    } else if (plan.kind === 'too-large') {
      run.counters.rejected++;
      reject(row, {
        kind: 'row',
        email,
        field: 'contact',
        reason: 'contact-too-large',
        message: 'The contact is larger than an Omnisend batch may be.',
      });
    } else if (plan.kind === 'send') {
      queued.push(queueItem(entry, row.position, changes, id, bit, run, context));
    }
  }

  run.problems = problems.groups();
  const [written] = await Promise.all([
    queue(tx, run, queued, context.limits, unsent),
    putRejected(tx, rejected),
    changes.write(tx, run),
  ]);
  return written;
}

/**
 * Rejected rows, written together. Each write is asked for inside an async function, so one refused
 * as it is asked for (a full disk) becomes a rejection this promise reports, not a throw that leaves
 * the writes asked for before it pending with nobody waiting for them.
 */
async function putRejected(tx: RunTx, rows: readonly RejectedRowRecord[]): Promise<void> {
  const store = tx.objectStore('runRejected');
  await Promise.all(rows.map(async (row) => store.put(row)));
}

/**
 * A contact for the outbox. One the snapshot proves new gets its segment tag in its batch item
 * (the planner, issue #16): a new contact has no tags an upsert's `tags` could replace, and the
 * tag costs no call of the tag lane's small budget. The addition is pending in the ledger until
 * the batch settles. Once the run met a contact created in Omnisend after the snapshot
 * (`run.overwritten`, settle-batch.ts), someone is creating the segment's contacts there as it
 * runs: the rest of its tags go through the tag lane, which adds without replacing.
 */
function queueItem(
  entry: Extract<MappedRow, { ok: true }>,
  position: number,
  changes: LedgerChanges,
  id: number,
  bit: number,
  run: RunRecord,
  context: PageContext,
): { item: OutboxItem; bytes: number } {
  const { email, fingerprint } = entry;
  if (run.overwritten || !context.brand?.provenNew(email))
    return {
      item: { email, tag: context.tag, position, fingerprint, contact: entry.json },
      bytes: entry.bytes,
    };
  changes.tagInItem(id, email, bit);
  const contact = toContactJson({ ...entry.result.contact, tags: [context.tag] });
  return {
    item: { email, tag: context.tag, position, fingerprint, contact, tagged: true },
    bytes: utf8Length(contact),
  };
}

/** Drift repaired (brand-facts.ts): History reports it. */
function noteRepair(run: RunRecord, drift: 'deleted' | 'untagged'): void {
  const repairs = run.repairs ?? { recreated: 0, retagged: 0 };
  run.repairs =
    drift === 'deleted'
      ? { ...repairs, recreated: repairs.recreated + 1 }
      : { ...repairs, retagged: repairs.retagged + 1 };
}

/** Adds contacts to the run's outbox: first into its last chunk while that has room, then new ones. */
async function queue(
  tx: RunTx,
  run: RunRecord,
  queued: readonly { item: OutboxItem; bytes: number }[],
  limits: BatchLimits,
  unsent: (seq: number) => OutboxChunk | undefined,
): Promise<OutboxChunk[]> {
  if (queued.length === 0) return [];
  const outbox = tx.objectStore('runOutbox');
  const sizes = queued.map((q) => q.bytes);
  const lastSeq = run.seq.outbox - 1;
  const last: OutboxChunk | undefined =
    run.seq.outbox > run.seq.outboxHead
      ? (unsent(lastSeq) ?? parseOutboxChunk(await outbox.get([run.id, lastSeq])))
      : undefined;
  const { topUp, batches } = packBatches(
    sizes,
    limits,
    last ? { items: last.items.length, bytes: last.bytes } : null,
  );
  const chunks: OutboxChunk[] = [];
  if (last && topUp > 0) {
    const added = queued.slice(0, topUp);
    chunks.push({
      ...last,
      items: [...last.items, ...added.map((q) => q.item)],
      bytes: last.bytes + 1 + packedBytes(added.map((q) => q.bytes)),
    });
  }
  let at = topUp;
  for (const count of batches) {
    const taken = queued.slice(at, at + count);
    at += count;
    chunks.push({
      runId: run.id,
      seq: run.seq.outbox++,
      items: taken.map((q) => q.item),
      bytes: packedBytes(taken.map((q) => q.bytes)),
    });
  }
  run.seq.outboxItems += queued.length;
  await Promise.all(chunks.map((chunk) => outbox.put(chunk)));
  return chunks;
}
