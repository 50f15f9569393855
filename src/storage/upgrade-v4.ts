import { MAX_LEDGER_TAGS } from '../core/run/ledger-index.ts';
import type { RunStatus } from '../core/run/run-state.ts';
import { CHUNK_ENTRIES } from './ledger.ts';

/**
 * Schema step 4 (open-database.ts), on the raw IndexedDB API of the upgrade transaction: the v3
 * `ledger` store it empties is not part of the typed schema any more.
 *
 * - creates `ledgers`, `ledgerChunks` and `ledgerLog` (indexed `byKind`: [exportId, kind, seq]),
 *   and moves every v3 ledger entry into
 *   chunks of generation 1 (fingerprint, tags and pending tag calls; a run's own marks are not
 *   kept: no run survives the step), then deletes `ledger`;
 * - recreates `runTags` keyed by a sequence number instead of an email, and empties `runOutbox`
 *   (both now hold many contacts per record);
 * - ends the runs that were running: their queued work was in the old form. They fail with a
 *   message saying to run them again, and the pending marks make that run redo what may be half
 *   done. Queued runs have no work yet and stay queued;
 * - indexes `runs` by status (`byStatus`) and by export and creation time (`byExportCreated`), so
 *   the pages that ask every second read the active runs and each export's newest run, never the
 *   whole history.
 */
export function upgradeToV4(db: IDBDatabase, tx: IDBTransaction, now: number): void {
  db.createObjectStore('ledgers', { keyPath: 'exportId' });
  const chunks = db.createObjectStore('ledgerChunks', { keyPath: ['exportId', 'generation', 'chunk'] });
  db.createObjectStore('ledgerLog', { keyPath: ['exportId', 'seq'] }).createIndex('byKind', [
    'exportId',
    'kind',
    'seq',
  ]);
  db.deleteObjectStore('runTags');
  db.createObjectStore('runTags', { keyPath: ['runId', 'op', 'tag', 'seq'] });
  tx.objectStore('runOutbox').clear();
  const runs = tx.objectStore('runs');
  runs.createIndex('byStatus', 'status');
  runs.createIndex('byExportCreated', ['exportId', 'createdAt']);
  failRunningRuns(runs, now);
  if (db.objectStoreNames.contains('ledger')) {
    const heads = tx.objectStore('ledgers');
    moveLedger(tx.objectStore('ledger'), chunks, heads, () => db.deleteObjectStore('ledger'));
  }
}

interface V3Entry {
  exportId: string;
  email: string;
  fingerprint: string | null;
  tags: string[];
  pending: Record<string, 'add' | 'remove'>;
}

function isV3Entry(value: unknown): value is V3Entry {
  const entry = value as Partial<V3Entry> | null;
  return (
    typeof entry?.exportId === 'string' &&
    typeof entry.email === 'string' &&
    (entry.fingerprint === null || typeof entry.fingerprint === 'string') &&
    Array.isArray(entry.tags) &&
    typeof entry.pending === 'object' &&
    entry.pending !== null
  );
}

interface ChunkBuilder {
  exportId: string;
  chunk: number;
  entries: number;
  tags: string[];
  emails: string[];
  fingerprints: string[];
  tagBits: number[];
  pendingAdd: number[];
  pendingRemove: number[];
  allTags: Set<string>;
}

function moveLedger(
  ledger: IDBObjectStore,
  chunks: IDBObjectStore,
  heads: IDBObjectStore,
  done: () => void,
): void {
  let current: ChunkBuilder | null = null;
  const bitOf = (builder: ChunkBuilder, tag: string): number => {
    let at = builder.tags.indexOf(tag);
    if (at === -1) {
      // More distinct tags in one chunk than bits: the extra tags are forgotten (TagTable).
      if (builder.tags.length >= MAX_LEDGER_TAGS) return 0;
      at = builder.tags.push(tag) - 1;
    }
    builder.allTags.add(tag);
    return 2 ** at;
  };
  const writeChunk = (builder: ChunkBuilder) => {
    if (builder.emails.length === 0) return;
    const { exportId, chunk, tags, emails, fingerprints, tagBits, pendingAdd, pendingRemove } = builder;
    chunks.put({
      exportId,
      generation: 1,
      chunk,
      tags,
      emails,
      fingerprints,
      tagBits,
      pendingAdd,
      pendingRemove,
    });
    builder.chunk++;
    builder.tags = [];
    builder.emails = [];
    builder.fingerprints = [];
    builder.tagBits = [];
    builder.pendingAdd = [];
    builder.pendingRemove = [];
  };
  const finishExport = (builder: ChunkBuilder) => {
    writeChunk(builder);
    heads.put({
      exportId: builder.exportId,
      generation: 1,
      chunks: builder.chunk,
      entries: builder.entries,
      tags: [...builder.allTags].slice(0, MAX_LEDGER_TAGS),
    });
  };
  const cursorRequest = ledger.openCursor();
  cursorRequest.onsuccess = () => {
    const cursor = cursorRequest.result;
    if (!cursor) {
      if (current) finishExport(current);
      done();
      return;
    }
    const entry = cursor.value as unknown;
    if (isV3Entry(entry)) {
      if (current?.exportId !== entry.exportId) {
        if (current) finishExport(current);
        current = {
          exportId: entry.exportId,
          chunk: 0,
          entries: 0,
          tags: [],
          emails: [],
          fingerprints: [],
          tagBits: [],
          pendingAdd: [],
          pendingRemove: [],
          allTags: new Set(),
        };
      }
      const builder: ChunkBuilder = current;
      let tags = 0;
      let add = 0;
      let remove = 0;
      for (const tag of entry.tags) tags |= bitOf(builder, tag);
      for (const [tag, op] of Object.entries(entry.pending)) {
        if (op === 'add') add |= bitOf(builder, tag);
        else remove |= bitOf(builder, tag);
      }
      builder.emails.push(entry.email);
      // A fingerprint of another form would only be a damaged one: the contact is sent again.
      const fingerprint = entry.fingerprint ?? '';
      builder.fingerprints.push(/^[0-9a-f]{16}$/.test(fingerprint) ? fingerprint : '');
      builder.tagBits.push(tags >>> 0);
      builder.pendingAdd.push(add >>> 0);
      builder.pendingRemove.push(remove >>> 0);
      builder.entries++;
      if (builder.emails.length >= CHUNK_ENTRIES) writeChunk(builder);
    }
    cursor.continue();
  };
}

function failRunningRuns(runs: IDBObjectStore, now: number): void {
  const request = runs.openCursor();
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    const run = cursor.value as { status?: RunStatus } & Record<string, unknown>;
    if (run.status === 'running') {
      cursor.update({
        ...run,
        status: 'failed',
        error: { code: 'engine.updated' },
        waiting: null,
        lease: null,
        tagQueue: [],
        finishedAt: now,
        updatedAt: now,
      });
    }
    cursor.continue();
  };
}
