import { z } from 'zod';
import { emptyRecord, ownRecordSchema } from '../core/own-record.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * The ledger (DESIGN.md §3), per export and email: what was last sent and which segment tags this
 * extension added. It makes runs incremental (an unchanged fingerprint is not sent again) and
 * removals safe (mirror only removes a tag the ledger says we added).
 *
 * `pending` marks a tag call that was queued but not yet confirmed, so that a run stopped or
 * canceled between queueing and confirming is treated as "maybe done": a member with a pending
 * removal is tagged again, a leaver with a pending addition loses the tag.
 */
export const ledgerEntrySchema = z.object({
  exportId: z.string().min(1),
  email: z.string().min(1),
  /** Fingerprint of the contact Omnisend last accepted from this export; null before that. */
  fingerprint: z.string().nullable(),
  /** Segment tags this extension added to the contact (confirmed by Omnisend). */
  tags: z.array(z.string()),
  pending: ownRecordSchema(z.enum(['add', 'remove'])),
  /** Per segment tag, the last run that read the contact in that segment. */
  seen: ownRecordSchema(z.string()),
  /** The run and fingerprint the contact is queued to be sent with, so it is queued only once. */
  queued: z.object({ runId: z.string(), fingerprint: z.string() }).nullable(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export function parseLedgerEntry(value: unknown, key: IDBValidKey): LedgerEntry {
  return parseRecord(ledgerEntrySchema, 'ledger', key, value);
}

export function newLedgerEntry(exportId: string, email: string): LedgerEntry {
  return {
    exportId,
    email,
    fingerprint: null,
    tags: [],
    pending: emptyRecord(),
    seen: emptyRecord(),
    queued: null,
  };
}

/** Whether a member still needs the tag added. */
export function needsTag(entry: LedgerEntry, tag: string): boolean {
  return !entry.tags.includes(tag) || entry.pending[tag] === 'remove';
}

/** Whether a leaver may carry the tag because of this extension. */
export function mayHaveOurTag(entry: LedgerEntry, tag: string): boolean {
  return entry.tags.includes(tag) || entry.pending[tag] !== undefined;
}

/** Entries of one export, after the email `after` (exclusive) when given. Arrays sort after strings. */
export function ledgerRange(exportId: string, after: string | null = null): IDBKeyRange {
  return after === null
    ? IDBKeyRange.bound([exportId], [exportId, []])
    : IDBKeyRange.bound([exportId, after], [exportId, []], true, false);
}

/**
 * Deletes every ledger entry of these exports, e.g. when their connection is removed (DESIGN.md
 * §7) or an export is deleted. One transaction: all or nothing.
 */
export async function deleteLedgerForExports(db: Database, exportIds: readonly string[]): Promise<void> {
  const tx = db.transaction('ledger', 'readwrite');
  await Promise.all(exportIds.map((id) => tx.store.delete(ledgerRange(id))));
  await tx.done;
}

export async function countLedger(db: Database, exportId: string): Promise<number> {
  return db.count('ledger', ledgerRange(exportId));
}

export async function getLedgerEntry(
  db: Database,
  exportId: string,
  email: string,
): Promise<LedgerEntry | undefined> {
  const value = await db.get('ledger', [exportId, email]);
  return value === undefined ? undefined : parseLedgerEntry(value, [exportId, email]);
}
