import { z } from 'zod';
import { LedgerIndex, type LedgerState, MAX_LEDGER_TAGS } from '../core/run/ledger-index.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * The ledger (DESIGN.md §3), per export and email: what was last sent and which segment tags this
 * extension added. It makes runs incremental (an unchanged fingerprint is not sent again) and
 * removals safe (mirror only removes a tag the ledger says we added).
 *
 * Stored in large records, because IndexedDB charges per record (see core/run/ledger-index.ts):
 * - `ledgerChunks`: the base, every email once, in chunks of `CHUNK_ENTRIES`, under a generation;
 * - `ledgerLog`: what a run changed, one record per checkpoint (a page read, a batch settled, a tag
 *   call confirmed), each holding the new state of the emails it touched. Replaying the base and
 *   then the log in order gives the current state; only the running run writes it. Every email
 *   the log adds to the ledger is in a `page` record (indexed by kind), so folding the log into
 *   the base reads only those, and a scan of every email reads the base only.
 * - `ledgers`: per export, which generation of chunks is current.
 * A run loads all of it into a `LedgerIndex` when it starts or resumes, and at its end folds the
 * log into a new generation of chunks (`writeCompactedChunks`, `commitCompaction`), so between
 * runs the ledger is the base.
 *
 * `pendingAdd`/`pendingRemove` mark a tag call that was queued but not yet confirmed, so that a
 * run stopped or canceled between queueing and confirming is treated as "maybe done": a member
 * with a pending removal is tagged again, a leaver with a pending addition loses the tag.
 *
 * `foreign` marks a tag a contact carried, and not from us, when a batch answer last showed it:
 * it was someone else's before this extension would have added it, so it is never claimed (added
 * again and called ours) and never removed – by Mirror, by retiring the tag or by Undo.
 */

export const CHUNK_ENTRIES = 2_000;
/** Chunks and log records read (or written) per request: a few, so memory stays small. */
const READ_CHUNKS = 4;
const READ_LOG_RECORDS = 5;

const bitsSchema = z.array(z.number().int().nonnegative());

const entriesShape = {
  exportId: z.string().min(1),
  /** Names of the tag bits used by this record, bit 0 first. */
  tags: z.array(z.string()).max(MAX_LEDGER_TAGS),
  emails: z.array(z.string()),
  /** A fingerprint (16 hex digits, core/fingerprint.ts), or '' where Omnisend has accepted nothing yet. */
  fingerprints: z.array(z.string().regex(/^(?:[0-9a-f]{16})?$/)),
  tagBits: bitsSchema,
  pendingAdd: bitsSchema,
  pendingRemove: bitsSchema,
  /** Tags carried from elsewhere (LedgerState.foreign); records written before it have none. */
  foreign: bitsSchema.optional(),
};

const sameLength = (record: { emails: unknown[] } & Record<string, unknown>, fields: string[]) =>
  fields.every(
    (field) => record[field] === undefined || (record[field] as unknown[]).length === record.emails.length,
  );

const chunkFields = ['fingerprints', 'tagBits', 'pendingAdd', 'pendingRemove', 'foreign'];

export const ledgerChunkSchema = z
  .object({
    ...entriesShape,
    generation: z.number().int().nonnegative(),
    chunk: z.number().int().nonnegative(),
  })
  .refine((record) => sameLength(record, chunkFields));
export type LedgerChunk = z.infer<typeof ledgerChunkSchema>;

export const ledgerLogSchema = z
  .object({
    ...entriesShape,
    seq: z.number().int().nonnegative(),
    runId: z.string().min(1),
    /**
     * `page`: emails read from the source (every email a run adds to the ledger comes in one);
     * `update`: later changes to emails the ledger or an earlier page record holds.
     */
    kind: z.enum(['page', 'update']),
    seen: bitsSchema,
    enqueued: bitsSchema,
    /** 1 where the run queued the contact to be sent. */
    queued: bitsSchema,
  })
  .refine((record) => sameLength(record, [...chunkFields, 'seen', 'enqueued', 'queued']));
export type LedgerLogRecord = z.infer<typeof ledgerLogSchema>;

export const ledgerHeadSchema = z.object({
  exportId: z.string().min(1),
  generation: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
  /** Every tag name the chunks use. */
  tags: z.array(z.string()).max(MAX_LEDGER_TAGS),
});
export type LedgerHead = z.infer<typeof ledgerHeadSchema>;

/** Every chunk of one generation of an export's ledger. */
function generationRange(exportId: string, generation: number): IDBKeyRange {
  return IDBKeyRange.bound([exportId, generation], [exportId, generation, []]);
}

/** Log records of an export, from `from` on. */
function logRange(exportId: string, from = 0): IDBKeyRange {
  return IDBKeyRange.bound([exportId, from], [exportId, []]);
}

function exportRange(exportId: string): IDBKeyRange {
  return IDBKeyRange.bound([exportId], [exportId, []]);
}

function parseChunk(value: unknown): LedgerChunk {
  const record = (value ?? {}) as Record<string, unknown>;
  return parseRecord(
    ledgerChunkSchema,
    'ledgerChunks',
    [String(record.exportId), Number(record.chunk)],
    value,
  );
}

function parseLog(value: unknown): LedgerLogRecord {
  const record = (value ?? {}) as Record<string, unknown>;
  return parseRecord(ledgerLogSchema, 'ledgerLog', [String(record.exportId), Number(record.seq)], value);
}

export async function getLedgerHead(db: Database, exportId: string): Promise<LedgerHead | undefined> {
  const value = await db.get('ledgers', exportId);
  return value === undefined ? undefined : parseRecord(ledgerHeadSchema, 'ledgers', exportId, value);
}

/**
 * Maps tag names to bits for one run: the run's own tags first, then the others the ledger holds
 * (tags of segments removed from the export), as long as bits are left. A tag beyond that is
 * forgotten; it was never this run's to add or remove, and if its segment comes back, its members
 * are tagged again.
 */
export class TagTable {
  readonly names: string[] = [];
  readonly #bits = new Map<string, number>();

  constructor(
    tags: readonly string[],
    readonly capacity = MAX_LEDGER_TAGS,
  ) {
    for (const tag of tags) this.add(tag);
  }

  add(tag: string): number {
    const known = this.#bits.get(tag);
    if (known !== undefined) return known;
    if (this.names.length >= this.capacity) return 0;
    const bit = 2 ** this.names.length;
    this.names.push(tag);
    this.#bits.set(tag, bit);
    return bit;
  }

  bit(tag: string): number {
    return this.#bits.get(tag) ?? 0;
  }

  /** Turns bits numbered by another table's `names` into this table's bits. */
  translator(names: readonly string[]): (bits: number) => number {
    if (names.length <= this.names.length && names.every((name, i) => this.names[i] === name))
      return (bits) => bits;
    const map = names.map((name) => this.add(name));
    return (bits) => {
      let out = 0;
      for (let i = 0; i < map.length; i++) if (Math.floor(bits / 2 ** i) % 2 === 1) out |= map[i]!;
      return out >>> 0;
    };
  }

  /** Tag names of some bits. */
  namesOf(bits: number): string[] {
    return this.names.filter((_, i) => Math.floor(bits / 2 ** i) % 2 === 1);
  }
}

/** A ledger ready for a run: its index, tag table and where the next log record goes. */
export interface LoadedLedger {
  exportId: string;
  index: LedgerIndex;
  table: TagTable;
  head: LedgerHead;
  /** Seq of the next log record. */
  nextLog: number;
  /** The log holds records of runs other than this one (canceled or failed before compacting). */
  foreignLog: boolean;
  /** The log holds records of this run (it is resuming). */
  ownLog: boolean;
}

/**
 * Loads an export's ledger for run `runId`: the base chunks, then the log in order, a few records
 * at a time. The run's own marks (seen, enqueued, queued) are kept only from its own log records:
 * those of an earlier run that stopped mean nothing to this one. `expectedContacts` (the members
 * the run is about to read) sizes the index with the ledger's own size.
 */
export async function loadLedger(
  db: Database,
  exportId: string,
  runId: string,
  runTags: readonly string[],
  expectedContacts: number,
): Promise<LoadedLedger> {
  const head = (await getLedgerHead(db, exportId)) ?? emptyHead(exportId);
  const known = new Set([...runTags, ...head.tags]).size;
  const width = known <= 8 ? 8 : known <= 16 ? 16 : MAX_LEDGER_TAGS;
  const table = new TagTable([...runTags, ...head.tags], width);
  // Room for the larger of the two: a repeat run reads mostly emails the ledger holds already,
  // and the index grows when it must. Both summed would double a million-contact index for nothing.
  const index = new LedgerIndex(Math.max(head.entries, expectedContacts), width);
  const loaded: LoadedLedger = { exportId, index, table, head, nextLog: 0, foreignLog: false, ownLog: false };
  for (let from = 0; from < head.chunks; from += READ_CHUNKS) {
    const values = await db.getAll(
      'ledgerChunks',
      IDBKeyRange.bound(
        [exportId, head.generation, from],
        [exportId, head.generation, from + READ_CHUNKS - 1],
      ),
    );
    for (const value of values) applyChunk(loaded, parseChunk(value));
  }
  for (;;) {
    const values = await db.getAll('ledgerLog', logRange(exportId, loaded.nextLog), READ_LOG_RECORDS);
    for (const value of values) {
      const record = parseLog(value);
      applyLog(loaded, record, record.runId === runId);
      if (record.runId === runId) loaded.ownLog = true;
      else loaded.foreignLog = true;
      loaded.nextLog = record.seq + 1;
    }
    if (values.length < READ_LOG_RECORDS) break;
  }
  return loaded;
}

function emptyHead(exportId: string): LedgerHead {
  return { exportId, generation: 0, chunks: 0, entries: 0, tags: [] };
}

function applyChunk(loaded: LoadedLedger, chunk: LedgerChunk): void {
  applyEntries(loaded, chunk, null);
}

function applyLog(loaded: LoadedLedger, record: LedgerLogRecord, ownRun: boolean): void {
  applyEntries(loaded, record, ownRun ? record : null);
}

/** Sets the state of every email of a chunk or log record; `marks` are the run's own, if any. */
function applyEntries(
  loaded: LoadedLedger,
  record: LedgerChunk | LedgerLogRecord,
  marks: Pick<LedgerLogRecord, 'seen' | 'enqueued' | 'queued'> | null,
): void {
  const translate = loaded.table.translator(record.tags);
  const { index } = loaded;
  record.emails.forEach((email, i) => {
    index.setState(index.entry(email), {
      fingerprint: record.fingerprints[i] || null,
      tags: translate(record.tagBits[i]!),
      pendingAdd: translate(record.pendingAdd[i]!),
      pendingRemove: translate(record.pendingRemove[i]!),
      foreign: translate(record.foreign?.[i] ?? 0),
      seen: marks ? translate(marks.seen[i]!) : 0,
      enqueued: marks ? translate(marks.enqueued[i]!) : 0,
      queued: marks?.queued[i] === 1,
    });
  });
}

/**
 * The log record of a checkpoint: the current state of `emails` (each with its index entry) in
 * `loaded`, as of now. Takes the next seq.
 */
export function ledgerLogRecord(
  loaded: LoadedLedger,
  runId: string,
  kind: LedgerLogRecord['kind'],
  touched: ReadonlyMap<string, number>,
): LedgerLogRecord {
  const record: LedgerLogRecord = {
    exportId: loaded.exportId,
    seq: loaded.nextLog++,
    runId,
    kind,
    tags: [...loaded.table.names],
    emails: [],
    fingerprints: [],
    tagBits: [],
    pendingAdd: [],
    pendingRemove: [],
    foreign: [],
    seen: [],
    enqueued: [],
    queued: [],
  };
  for (const [email, id] of touched) {
    const state: LedgerState = loaded.index.state(id);
    record.emails.push(email);
    record.fingerprints.push(state.fingerprint ?? '');
    record.tagBits.push(state.tags);
    record.pendingAdd.push(state.pendingAdd);
    record.pendingRemove.push(state.pendingRemove);
    record.foreign?.push(state.foreign);
    record.seen.push(state.seen);
    record.enqueued.push(state.enqueued);
    record.queued.push(state.queued ? 1 : 0);
  }
  return record;
}

/** One base chunk of the current generation, for scans (the leaver scan reads emails from it). */
export async function readLedgerChunk(
  db: Database,
  head: LedgerHead,
  chunk: number,
): Promise<LedgerChunk | undefined> {
  const value = await db.get('ledgerChunks', [head.exportId, head.generation, chunk]);
  return value === undefined ? undefined : parseChunk(value);
}

/** `page` log records with a seq from `from` (inclusive) to `end` (exclusive), at most `limit`. */
async function readPageRecords(
  db: Database,
  exportId: string,
  from: number,
  end: number,
  limit: number,
): Promise<LedgerLogRecord[]> {
  const range = IDBKeyRange.bound([exportId, 'page', from], [exportId, 'page', end], false, true);
  return (await db.getAllFromIndex('ledgerLog', 'byKind', range, limit)).map(parseLog);
}

/** What `writeCompactedChunks` wrote, for `commitCompaction`. */
export interface Compaction {
  head: LedgerHead;
  /** Log records up to (excluding) this seq are folded into the new generation. */
  logEnd: number;
}

/**
 * Writes the current state of every email of `loaded` as a new generation of chunks, a few
 * chunks per transaction: the base in its order, then emails first seen in the log. The new
 * generation becomes current only with `commitCompaction`; one left half-written by a stopped
 * worker is written again from scratch. Emails with nothing to remember (no fingerprint, no tag
 * of ours, nothing pending) are left out.
 */
export async function writeCompactedChunks(db: Database, loaded: LoadedLedger): Promise<Compaction> {
  const { exportId, head, index, table } = loaded;
  const generation = head.generation + 1;
  const logEnd = loaded.nextLog;
  await db.delete('ledgerChunks', generationRange(exportId, generation));
  const written = new Uint8Array(index.size);
  let chunk = 0;
  let entries = 0;
  let pending: LedgerChunk[] = [];
  let current = emptyChunk(exportId, generation, chunk, table.names);
  const flush = async (force: boolean) => {
    if (current.emails.length >= CHUNK_ENTRIES || (force && current.emails.length > 0)) {
      pending.push(current);
      current = emptyChunk(exportId, generation, ++chunk, table.names);
    }
    if (pending.length >= READ_CHUNKS || (force && pending.length > 0)) {
      const tx = db.transaction('ledgerChunks', 'readwrite');
      await Promise.all([...pending.map((c) => tx.store.put(c)), tx.done]);
      pending = [];
    }
  };
  const emit = async (email: string) => {
    const id = index.find(email);
    if (id === -1 || written[id] === 1) return;
    written[id] = 1;
    const state = index.state(id);
    if (
      state.fingerprint === null &&
      state.tags === 0 &&
      state.pendingAdd === 0 &&
      state.pendingRemove === 0 &&
      state.foreign === 0
    )
      return;
    current.emails.push(email);
    current.fingerprints.push(state.fingerprint ?? '');
    current.tagBits.push(state.tags);
    current.pendingAdd.push(state.pendingAdd);
    current.pendingRemove.push(state.pendingRemove);
    current.foreign?.push(state.foreign);
    entries++;
    await flush(false);
  };
  for (let at = 0; at < head.chunks; at++) {
    const base = await readLedgerChunk(db, head, at);
    for (const email of base?.emails ?? []) await emit(email);
  }
  for (let seq = 0; seq < logEnd; ) {
    const records = await readPageRecords(db, exportId, seq, logEnd, READ_LOG_RECORDS);
    if (records.length === 0) break;
    for (const record of records) for (const email of record.emails) await emit(email);
    seq = records.at(-1)!.seq + 1;
  }
  await flush(true);
  return { head: { exportId, generation, chunks: chunk, entries, tags: [...table.names] }, logEnd };
}

function emptyChunk(exportId: string, generation: number, chunk: number, tags: string[]): LedgerChunk {
  return {
    exportId,
    generation,
    chunk,
    tags: [...tags],
    emails: [],
    fingerprints: [],
    tagBits: [],
    pendingAdd: [],
    pendingRemove: [],
    foreign: [],
  };
}

/** Makes a compaction current and drops what it replaced, inside the caller's transaction. */
export async function commitCompaction(
  tx: {
    objectStore(name: 'ledgers' | 'ledgerChunks' | 'ledgerLog'): {
      put(value: unknown): Promise<unknown>;
      delete(range: IDBKeyRange): Promise<void>;
    };
  },
  previous: LedgerHead,
  compaction: Compaction,
): Promise<void> {
  const { exportId } = previous;
  await Promise.all([
    tx.objectStore('ledgers').put(compaction.head),
    tx.objectStore('ledgerChunks').delete(generationRange(exportId, previous.generation)),
    tx
      .objectStore('ledgerLog')
      .delete(IDBKeyRange.bound([exportId, 0], [exportId, compaction.logEnd], false, true)),
  ]);
}

/**
 * Deletes the ledger of these exports, e.g. when their connection is removed (DESIGN.md §7) or an
 * export is deleted. One transaction: all or nothing.
 */
export async function deleteLedgerForExports(db: Database, exportIds: readonly string[]): Promise<void> {
  const tx = db.transaction(['ledgers', 'ledgerChunks', 'ledgerLog'], 'readwrite');
  await Promise.all(
    exportIds.flatMap((id) => [
      tx.objectStore('ledgers').delete(id),
      tx.objectStore('ledgerChunks').delete(exportRange(id)),
      tx.objectStore('ledgerLog').delete(exportRange(id)),
    ]),
  );
  await tx.done;
}

/** One email's entry as the ledger holds it now, tags by name (for tests and support). */
export interface LedgerEntryView {
  email: string;
  fingerprint: string | null;
  tags: string[];
  pending: Record<string, 'add' | 'remove'>;
}

/** Looks one email up by reading the whole ledger of the export: slow, never on a hot path. */
export async function getLedgerEntry(
  db: Database,
  exportId: string,
  email: string,
): Promise<LedgerEntryView | undefined> {
  const loaded = await loadLedger(db, exportId, '', [], 0);
  const id = loaded.index.find(email);
  if (id === -1) return undefined;
  const state = loaded.index.state(id);
  const pending: Record<string, 'add' | 'remove'> = {};
  for (const tag of loaded.table.namesOf(state.pendingAdd)) pending[tag] = 'add';
  for (const tag of loaded.table.namesOf(state.pendingRemove)) pending[tag] = 'remove';
  return { email, fingerprint: state.fingerprint, tags: loaded.table.namesOf(state.tags), pending };
}
