import type { Clock } from '../../core/clock.ts';
import type { ExportSegment, SyncMode } from '../../core/export-definition.ts';
import { fingerprintValue, utf8Length } from '../../core/fingerprint.ts';
import { type Mapping, mappedFields } from '../../core/mapping/mapping.ts';
import {
  fieldChanges,
  PREVIEW_CHANGE_SAMPLE,
  type PreviewSummary,
  PreviewTally,
} from '../../core/preview/preview-tally.ts';
import type { BatchLimits } from '../../core/run/batch-plan.ts';
import { driftOf, forgetDeleted } from '../../core/run/brand-facts.ts';
import { classifyMember } from '../../core/run/classify-member.ts';
import { type PlanFloors, planFloors } from '../../core/run/plan-floor.ts';
import { snapshotKey, snapshotShowsDeletions } from '../../core/snapshot/snapshot-plan.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_ITEMS } from '../../omnisend/client.ts';
import type { SegmentSource } from '../../sources/segment-source.ts';
import { brandFactsOf, lookupSnapshot, type SnapshotHead } from '../../storage/brand-snapshot.ts';
import { loadLedger, readLedgerChunk } from '../../storage/ledger.ts';
import type { Database } from '../../storage/open-database.ts';
import { ledgerSeenAt } from '../../storage/run-records.ts';
import type { OmnisendAccess } from '../engine/omnisend-access.ts';
import { mapPage } from '../engine/read-page.ts';
import { noConnection, RunFailure } from '../engine/run-errors.ts';
import type { BrandSnapshots } from '../snapshot/brand-snapshots.ts';

export interface PreviewDeps {
  db: Database;
  clock: Clock;
  snapshots: BrandSnapshots;
  omnisendFor(connectionId: string): Promise<OmnisendAccess | null>;
  sourceFor(sourceId: string): Promise<SegmentSource | undefined>;
}

/** What to preview: a saved export (its ledger decides what is unchanged) or a new one. */
export interface PreviewInput {
  exportId: string | null;
  connectionId: string;
  segments: readonly ExportSegment[];
  mapping: Mapping;
  syncMode: SyncMode;
}

export interface PreviewProgress {
  phase: 'omnisend' | 'source';
  read: number;
}

export interface PreviewOutcome {
  summary: PreviewSummary;
  snapshot: { listedAt: number; count: number };
  /** The run's plan: tags inside batch items for contacts proven new, and both plans' floors. */
  plan: PlanFloors & { tagsInItems: number };
}

const batchLimits: BatchLimits = {
  maxItems: MAX_BATCH_ITEMS,
  maxBytes: MAX_BATCH_BYTES,
  envelopeBytes: utf8Length(JSON.stringify({ endpoint: 'contacts', method: 'POST', items: [] })),
};

/**
 * "Preview changes": what a run of the export would do now, decided as the run decides it – the
 * ledger and classifyMember say what is sent, unchanged, tagged, skipped and (Mirror) untagged –
 * and the brand snapshot, brought up to date first, says which contacts sent would be created and
 * which updated. Nothing is written to Omnisend or to the ledger: the ledger is loaded into memory
 * and dropped. Only Omnisend's own refusals of single contacts cannot be foreseen.
 */
export async function previewExport(
  deps: PreviewDeps,
  input: PreviewInput,
  signal: AbortSignal,
  progress: (p: PreviewProgress) => void,
): Promise<PreviewOutcome> {
  const { db, clock } = deps;
  progress({ phase: 'omnisend', read: 0 });
  const head = await deps.snapshots.refresh(input.connectionId, signal);
  const access = await deps.omnisendFor(input.connectionId);
  if (head === null || head.listedAt === null || access === null) throw noConnection();
  const tags = input.segments.map((s) => s.tag);
  // Export ids are never empty: a new export's preview starts from an empty ledger.
  const ledger = await loadLedger(db, input.exportId ?? '', 'preview', tags, 0);
  const { index, table } = ledger;
  const tally = new PreviewTally();
  // As the next run of the export decides it (engine.ts).
  const showsDeletions = snapshotShowsDeletions(
    head.fullListedAt,
    input.exportId == null ? null : await ledgerSeenAt(db, input.exportId),
  );
  const context = {
    mapping: input.mapping,
    today: new Date(clock.now()).toISOString().slice(0, 10),
    mappingVersion: fingerprintValue(input.mapping),
    limits: batchLimits,
  };
  const sampled: { email: string; contact: object }[] = [];
  let tagsInItems = 0;
  const fields = mappedFields(input.mapping);
  for (const segment of input.segments) {
    const source = await deps.sourceFor(segment.sourceId);
    if (source === undefined) throw new RunFailure('source-missing', { name: segment.displayName });
    const bit = table.bit(segment.tag);
    let cursor: string | null = null;
    do {
      const page = await source.readMembers(segment.segmentId, cursor, { fields, signal });
      if (page.complete === false) tally.untagSkipped = true;
      const sent: string[] = [];
      const mapped = mapPage(page.rows, context);
      const brand = brandFactsOf(
        await lookupSnapshot(
          db,
          head,
          mapped.flatMap((row) => (row.ok ? [snapshotKey(row.email)] : [])),
        ),
        showsDeletions,
      );
      for (const entry of mapped) {
        tally.counts.read++;
        if (!entry.ok) {
          const raw = entry.row.values[input.mapping.email];
          tally.skip(typeof raw === 'string' ? raw.trim().slice(0, 320) : null, entry.rejection.reason);
          continue;
        }
        const { email } = entry;
        const id = index.entry(email);
        const plan = classifyMember(index, id, bit, entry, { fullResync: false, limits: batchLimits });
        if (plan.kind === 'duplicate' || plan.kind === 'too-large') {
          tally.skip(email, plan.kind === 'duplicate' ? 'email-duplicate' : 'contact-too-large');
          continue;
        }
        // Drift is repaired as the run repairs it (read-page.ts).
        const drift =
          plan.kind === 'unchanged' && !index.queued(id)
            ? driftOf(index, id, bit, segment.tag, email, brand)
            : null;
        if (drift === 'untagged') index.confirm(id, bit, 'remove');
        if (drift === 'deleted') {
          forgetDeleted(index, id);
          index.markQueued(id);
        }
        if (plan.kind === 'unchanged' && !plan.again && drift !== 'deleted') tally.add('unchanged', email);
        const sending = plan.kind === 'send' || drift === 'deleted';
        if (sending) {
          sent.push(email);
          if (sampled.length < PREVIEW_CHANGE_SAMPLE * 4)
            sampled.push({ email, contact: entry.result.contact });
        }
        // The planner: a contact proven new gets this tag inside its batch item (read-page.ts).
        if (sending && brand.provenNew(email)) {
          tagsInItems++;
          index.confirm(id, bit, 'add');
          tally.add('tagged', email, segment.tag);
        } else if (index.needsTag(id, bit)) tally.add('tagged', email, segment.tag);
      }
      await sortSent(db, head, sent, tally);
      progress({ phase: 'source', read: tally.counts.read });
      cursor = page.next;
    } while (cursor !== null);
  }
  if (input.syncMode === 'mirror' && !tally.untagSkipped) await countLeavers(db, ledger, tags, tally);
  tally.changes = await sampleChanges(access, sampled, tally, signal);
  const { counts } = tally;
  const floors = planFloors(
    {
      sent: counts.created + counts.updated,
      tagsInItems,
      tagLaneAdds: counts.tagged - tagsInItems,
      untagged: counts.untagged,
    },
    access.ratePerMinute,
  );
  return {
    summary: tally.summary(),
    snapshot: { listedAt: head.listedAt, count: head.count },
    plan: { tagsInItems, ...floors },
  };
}

/** Contacts to be sent are created unless Omnisend holds their exact address. */
async function sortSent(db: Database, head: SnapshotHead, emails: readonly string[], tally: PreviewTally) {
  const found = await lookupSnapshot(db, head, emails.map(snapshotKey));
  for (const email of emails) {
    const contact = found.get(snapshotKey(email));
    const exists = contact !== undefined && (contact.exact ?? contact.email) === email;
    tally.add(exists ? 'updated' : 'created', email);
  }
}

/** Mirror: ledger emails that carry (or may carry) a segment's tag and were not read in it. */
async function countLeavers(
  db: Database,
  ledger: Awaited<ReturnType<typeof loadLedger>>,
  tags: readonly string[],
  tally: PreviewTally,
): Promise<void> {
  const { index, table, head } = ledger;
  for (let chunk = 0; chunk < head.chunks; chunk++) {
    for (const email of (await readLedgerChunk(db, head, chunk))?.emails ?? []) {
      const id = index.find(email);
      if (id === -1) continue;
      for (const tag of tags) {
        const bit = table.bit(tag);
        if ((index.seen(id) & bit) === 0 && index.mayHaveOurTag(id, bit)) tally.add('untagged', email, tag);
      }
    }
  }
}

/** Reads a few updated contacts from Omnisend (budgeted GET /contacts?email=) to show their changes. */
async function sampleChanges(
  access: OmnisendAccess,
  sampled: readonly { email: string; contact: object }[],
  tally: PreviewTally,
  signal: AbortSignal,
): Promise<PreviewSummary['changes']> {
  const updated = new Set(tally.summary().lists.updated.map((row) => row.email));
  const changes: PreviewSummary['changes'] = [];
  for (const { email, contact } of sampled) {
    if (changes.length >= PREVIEW_CHANGE_SAMPLE) break;
    if (!updated.has(email)) continue;
    const current = await access.api.findContactByEmail(email, { signal });
    if (current === null) continue;
    const fields = fieldChanges(contact, current);
    if (fields.length > 0) changes.push({ email, fields });
  }
  return changes;
}
