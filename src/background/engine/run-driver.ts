import type { Clock } from '../../core/clock.ts';
import { type BatchLimits, packedBytes } from '../../core/run/batch-plan.ts';
import { type RunEvent, transition } from '../../core/run/run-state.ts';
import { nextTagCall, type TagGroup } from '../../core/run/tag-plan.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_ITEMS, MAX_TAG_EMAILS } from '../../omnisend/client.ts';
import { InvalidRequestError, NotFoundError, OmnisendError } from '../../omnisend/errors.ts';
import { type Batch, type ContactRequest, contactRequestSchema } from '../../omnisend/schemas.ts';
import { type MemberPage, needsUser, type SegmentSource } from '../../sources/segment-source.ts';
import {
  commitCompaction,
  type LoadedLedger,
  loadLedger,
  readLedgerChunk,
  readLedgerLog,
  writeCompactedChunks,
} from '../../storage/ledger.ts';
import type { Database } from '../../storage/open-database.ts';
import { parseRunRecord, type RunRecord, rememberId } from '../../storage/run-records.ts';
import {
  type BatchRecord,
  type OutboxChunk,
  parseBatchRecord,
  parseOutboxChunk,
  parseTagChunk,
  type TagChunk,
  tagGroupRange,
} from '../../storage/run-work.ts';
import { LedgerChanges } from './ledger-changes.ts';
import type { OmnisendAccess } from './omnisend-access.ts';
import { applyPage, mapPage } from './read-page.ts';
import { RunFailure, RunWaiting } from './run-errors.ts';
import { type EngineStore, inRunTx, RunStoppedError, type RunTx } from './run-transaction.ts';
import { applyBatchResult } from './settle-batch.ts';
import { adjustTagCount } from './tag-queue.ts';
import { WakeSignal } from './wake-signal.ts';

export interface DriverTiming {
  /** How long a run's lease lasts without renewal; another worker may take the run after that. */
  leaseMs: number;
  /** Wait between two polls of an unfinished batch (and before the first). */
  pollIntervalMs: number;
  /** First wait before reading a failing source again; doubles per attempt. */
  sourceRetryMs: number;
}

export interface DriverDeps {
  db: Database;
  clock: Clock;
  owner: string;
  timing: DriverTiming;
  access: OmnisendAccess;
  sourceFor(sourceId: string): Promise<SegmentSource | undefined>;
}

/** Log records the leaver scan reads per step. */
const SCAN_LOG_RECORDS = 20;
/** runTags records read at a time to fill one tag call. */
const TAG_CHUNKS_READ = 5;
const SOURCE_ATTEMPTS = 4;
/**
 * Rounds of the client's own retries a step gets for server and network errors before the run
 * fails. A 429 never fails a run: Omnisend asked us to wait, so the step waits and goes again.
 */
const OMNISEND_ROUNDS = 3;
const batchLimits: BatchLimits = {
  maxItems: MAX_BATCH_ITEMS,
  maxBytes: MAX_BATCH_BYTES,
  envelopeBytes: new TextEncoder().encode(JSON.stringify({ endpoint: 'contacts', method: 'POST', items: [] }))
    .length,
};

/**
 * Works one running run to its end, as two lanes at once (DESIGN.md §5): the upsert lane reads
 * the source page by page and submits batches; the tag lane polls submitted batches, reads their
 * results, sends tag calls, scans for leavers (mirror) and finishes the run. Each step is a
 * checkpoint taken after Omnisend accepted, so a step cut short by a stopped worker is simply done
 * again on resume – upserts by email and tag calls are idempotent.
 */
export class RunDriver {
  readonly #deps: DriverDeps;
  readonly #runId: string;
  readonly #wake = new WakeSignal();
  readonly #sources = new Map<string, SegmentSource>();
  /** Halved after Omnisend refuses a whole batch as invalid, to find the contact it objects to. */
  #maxItems = MAX_BATCH_ITEMS;
  /** The export's ledger, loaded when the driver starts; every checkpoint keeps it current. */
  #ledger: LoadedLedger | null = null;

  constructor(deps: DriverDeps, runId: string) {
    this.#deps = deps;
    this.#runId = runId;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#ledger = await this.#loadLedger();
    const lanes = new AbortController();
    const both = AbortSignal.any([signal, lanes.signal]);
    const lane = (work: Promise<void>) =>
      work.catch((error: unknown) => {
        lanes.abort(error);
        throw error;
      });
    const results = await Promise.allSettled([lane(this.#upsertLane(both)), lane(this.#tagLane(both))]);
    // The first failure is the cause; the other lane only stopped because of it.
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw lanes.signal.aborted ? lanes.signal.reason : failures[0];
  }

  /**
   * Loads the export's ledger. A log left by an earlier run that ended before folding it in (it
   * was canceled or failed) is folded in first, so that a run's log only ever holds its own records.
   */
  async #loadLedger(): Promise<LoadedLedger> {
    const run = await this.#load();
    const tags = run.definition.segments.map((s) => s.tag);
    const expected = Math.max(0, (run.total ?? 0) - run.counters.read);
    const load = () => loadLedger(this.#deps.db, run.exportId, run.id, tags, expected);
    let ledger = await load();
    if (ledger.foreignLog && ledger.nextLog > 0 && !(await this.#hasOwnLog(ledger))) {
      const compaction = await writeCompactedChunks(this.#deps.db, ledger);
      const previous = ledger.head;
      await this.#tx(['ledgers', 'ledgerChunks', 'ledgerLog'], (tx) =>
        commitCompaction(tx, previous, compaction),
      );
      ledger = await load();
    }
    return ledger;
  }

  async #hasOwnLog(ledger: LoadedLedger): Promise<boolean> {
    for (let from = 0; from < ledger.nextLog; ) {
      const records = await readLedgerLog(this.#deps.db, ledger.exportId, from, SCAN_LOG_RECORDS);
      if (records.length === 0) return false;
      if (records.some((r) => r.runId === this.#runId)) return true;
      from = records.at(-1)!.seq + 1;
    }
    return false;
  }

  get #ledgerNow(): LoadedLedger {
    if (this.#ledger === null) throw new Error('The run driver has not loaded the ledger.');
    return this.#ledger;
  }

  // --- upsert lane ----------------------------------------------------------------------------

  async #upsertLane(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      const chunks = run.seq.outbox - run.seq.outboxHead;
      // Read on while at most the last chunk, still being filled, is waiting.
      if (!run.read.done && chunks <= 1 && run.seq.outboxItems < this.#maxItems) {
        await this.#readPage(run, signal);
        this.#wake.notify();
        continue;
      }
      if (chunks === 0) {
        this.#wake.notify();
        return;
      }
      await this.#submitBatch(await this.#outboxHead(run), signal);
      this.#wake.notify();
    }
  }

  async #readPage(run: RunRecord, signal: AbortSignal): Promise<void> {
    const { segment: index, cursor } = run.read;
    const segment = run.definition.segments[index];
    if (segment === undefined)
      throw new RunFailure('engine.corrupt-run', 'The run refers to a segment it does not have.');
    const page = await this.#readMembers(run, segment.sourceId, segment.segmentId, cursor, signal);
    const context = {
      tag: segment.tag,
      mapping: run.definition.mapping,
      today: new Date(this.#deps.clock.now()).toISOString().slice(0, 10),
      mappingVersion: run.mappingVersion,
      limits: batchLimits,
    };
    const mapped = mapPage(page.rows, context);
    await this.#tx(['ledgerLog', 'runOutbox', 'runRejected', 'runTags'], async (tx, current) => {
      // Another page was taken since we read this one: drop ours, it will be read again.
      if (current.read.segment !== index || current.read.cursor !== cursor || current.read.done) return;
      await applyPage(tx, current, this.#ledgerNow, mapped, context);
      // Members a source may have missed are no leavers: this run takes no tags away (Mirror).
      if (page.complete === false) current.untagScan = { ...current.untagScan, done: true };
      if (page.next !== null) current.read.cursor = page.next;
      else if (index + 1 < current.definition.segments.length)
        current.read = { segment: index + 1, cursor: null, done: false };
      else {
        current.read = { segment: index, cursor, done: true };
        advanceTo(current, 'upsert');
      }
    });
  }

  async #readMembers(
    run: RunRecord,
    sourceId: string,
    segmentId: string,
    cursor: string | null,
    signal: AbortSignal,
  ): Promise<MemberPage> {
    const source = await this.#source(sourceId, run);
    const fields = mappedFields(run);
    for (let attempt = 1; ; attempt++) {
      try {
        return await source.readMembers(segmentId, cursor, { fields, signal });
      } catch (error) {
        signal.throwIfAborted();
        if (needsUser(error)) throw new RunWaiting('source-needs-user', error.message);
        if (attempt >= SOURCE_ATTEMPTS) {
          const name =
            run.definition.segments.find((s) => s.segmentId === segmentId)?.displayName ?? segmentId;
          throw new RunFailure(
            'source-unreadable',
            `Could not read the segment “${name}” from its source – check that the source is reachable and signed in, then run the export again.`,
          );
        }
        await this.#deps.clock.sleep(this.#deps.timing.sourceRetryMs * 2 ** (attempt - 1), signal);
        void error;
      }
    }
  }

  async #source(sourceId: string, run: RunRecord): Promise<SegmentSource> {
    let source = this.#sources.get(sourceId);
    if (source === undefined) {
      source = await this.#deps.sourceFor(sourceId);
      if (source === undefined) {
        const name = run.definition.segments.find((s) => s.sourceId === sourceId)?.displayName ?? sourceId;
        throw new RunFailure(
          'source-missing',
          `The source of the segment “${name}” no longer exists – edit the export and choose its segments again.`,
        );
      }
      this.#sources.set(sourceId, source);
    }
    return source;
  }

  async #outboxHead(run: RunRecord): Promise<OutboxChunk> {
    const value = await this.#deps.db.get('runOutbox', [run.id, run.seq.outboxHead]);
    if (value === undefined)
      throw new RunFailure('engine.corrupt-run', 'Contacts this run queued are missing from storage.');
    return parseOutboxChunk(value);
  }

  /** Sends the first contacts of the outbox's first chunk as one batch (all of them, normally). */
  async #submitBatch(chunk: OutboxChunk, signal: AbortSignal): Promise<void> {
    const items = chunk.items.slice(0, this.#maxItems);
    const contacts: ContactRequest[] = items.map((item) => contactRequestSchema.parse(item.contact));
    let batchId: string;
    try {
      ({ batchID: batchId } = await this.#omnisend(
        () => this.#deps.access.api.submitContactBatch(contacts, { signal }),
        signal,
      ));
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      if (items.length > 1) {
        this.#maxItems = Math.ceil(items.length / 2);
        return;
      }
      const fieldError = error.fieldErrors[0];
      await this.#rejectHead(
        chunk,
        'omnisend-rejected',
        fieldError?.message || error.message,
        error.requestId,
      );
      this.#maxItems = MAX_BATCH_ITEMS;
      return;
    }
    this.#maxItems = Math.min(MAX_BATCH_ITEMS, this.#maxItems * 2);
    const now = this.#deps.clock.now();
    await this.#tx(['runOutbox', 'runBatches'], async (tx, run) => {
      if (run.seq.outboxHead !== chunk.seq) throw new RunStoppedError('lease-lost');
      const batch: BatchRecord = {
        runId: run.id,
        seq: run.seq.batch++,
        batchId,
        state: 'submitted',
        submittedAt: now,
        nextPollAt: now + this.#deps.timing.pollIntervalMs,
        polls: 0,
        items: items.map(({ email, tag, position, fingerprint }) => ({ email, tag, position, fingerprint })),
        failed: 0,
      };
      await Promise.all([
        takeFromOutbox(tx, run, chunk, items.length),
        tx.objectStore('runBatches').put(batch),
      ]);
      run.counters.sent += items.length;
      run.support.batchIds = rememberId(run.support.batchIds, batchId);
    });
  }

  /** The first queued contact can never be sent: a rejected row, kept for the next run. */
  async #rejectHead(chunk: OutboxChunk, reason: string, message: string, requestId?: string): Promise<void> {
    const item = chunk.items[0]!;
    await this.#tx(['runOutbox', 'runRejected'], async (tx, run) => {
      if (run.seq.outboxHead !== chunk.seq) throw new RunStoppedError('lease-lost');
      run.counters.rejected++;
      if (requestId) run.support.requestIds = rememberId(run.support.requestIds, requestId);
      await Promise.all([
        takeFromOutbox(tx, run, chunk, 1),
        tx.objectStore('runRejected').put({
          runId: run.id,
          seq: run.seq.rejected++,
          position: item.position,
          kind: 'row',
          email: item.email,
          field: 'contact',
          reason,
          message,
          ...(requestId ? { requestId } : {}),
        }),
      ]);
    });
  }

  // --- tag lane -------------------------------------------------------------------------------

  async #tagLane(signal: AbortSignal): Promise<void> {
    const { clock, timing } = this.#deps;
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      const upstreamDone = run.read.done && run.seq.outboxHead === run.seq.outbox;
      const unsettled = run.seq.batch - run.seq.settled;
      const mirror = run.definition.syncMode === 'mirror';
      const group = nextTagCall(run.tagQueue, {
        maxEmails: MAX_TAG_EMAILS,
        moreAdds: !upstreamDone || unsettled > 0,
        moreRemoves: mirror && !run.untagScan.done,
      });
      if (group) {
        await this.#sendTags(group, signal);
        continue;
      }
      if (unsettled > 0) {
        const batch = await this.#batchAt(run, run.seq.settled);
        const wait = batch.nextPollAt - clock.now();
        if (wait <= 0) await this.#poll(batch, signal);
        else await this.#wake.wait(clock, wait, signal);
        continue;
      }
      if (!upstreamDone) {
        await this.#wake.wait(clock, timing.pollIntervalMs, signal);
        continue;
      }
      if (mirror && !run.untagScan.done) {
        await this.#scanLeavers(run);
        continue;
      }
      if (await this.#finish()) return;
    }
  }

  async #batchAt(run: RunRecord, seq: number): Promise<BatchRecord> {
    const value = await this.#deps.db.get('runBatches', [run.id, seq]);
    if (value === undefined)
      throw new RunFailure('engine.corrupt-run', 'A batch of this run is missing from storage.');
    return parseBatchRecord(value);
  }

  /** One poll of the oldest unsettled batch: its items when finished, else a later poll. */
  async #poll(batch: BatchRecord, signal: AbortSignal): Promise<void> {
    let result: Batch;
    try {
      result = await this.#omnisend(
        () => this.#deps.access.api.getBatchItems(batch.batchId, { signal }),
        signal,
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Omnisend no longer knows the batch: its contacts count as refused and go again next run.
      result = {
        batchID: batch.batchId,
        status: 'stopped',
        totalCount: batch.items.length,
        finishedCount: 0,
        errorsCount: 0,
        errors: [],
        responses: [],
      };
    }
    const now = this.#deps.clock.now();
    if (result.status === 'pending' || result.status === 'inProgress') {
      await this.#tx(['runBatches'], async (tx) => {
        await tx
          .objectStore('runBatches')
          .put({ ...batch, polls: batch.polls + 1, nextPollAt: now + this.#deps.timing.pollIntervalMs });
      });
      return;
    }
    await this.#tx(['ledgerLog', 'runTags', 'runRejected', 'runBatches'], async (tx, run) => {
      if (run.seq.settled !== batch.seq) return;
      const tags = run.definition.segments.map((s) => s.tag);
      await applyBatchResult(tx, run, this.#ledgerNow, { ...batch, polls: batch.polls + 1 }, result, tags);
      if (run.read.done && run.seq.outboxHead === run.seq.outbox && run.seq.settled === run.seq.batch) {
        advanceTo(run, 'tag');
      }
    });
  }

  async #sendTags(group: TagGroup, signal: AbortSignal): Promise<void> {
    const { access } = this.#deps;
    const chunks = await this.#tagChunks(group);
    const emails = takeEmails(chunks, MAX_TAG_EMAILS).emails;
    if (emails.length > 0) {
      const call =
        group.op === 'add'
          ? () => access.api.addTags(emails, [group.tag], { signal })
          : () => access.api.removeTags(emails, [group.tag], { signal });
      await this.#omnisend(call, signal);
    }
    await this.#tx(['runTags', 'ledgerLog'], async (tx, run) => {
      const store = tx.objectStore('runTags');
      // The same chunks must still be first: only this lane takes from the queue.
      const current = await this.#tagChunks(group, store);
      const taken = takeEmails(current, MAX_TAG_EMAILS);
      if (taken.emails.join('\n') !== emails.join('\n')) throw new RunStoppedError('lease-lost');
      const writes: Promise<unknown>[] = current
        .slice(0, taken.whole)
        .map((chunk) => store.delete([chunk.runId, chunk.op, chunk.tag, chunk.seq]));
      const partial = current[taken.whole];
      if (partial && taken.fromPartial > 0)
        writes.push(store.put({ ...partial, emails: partial.emails.slice(taken.fromPartial) }));
      const changes = new LedgerChanges(this.#ledgerNow, run.id);
      const bit = changes.bit(group.tag);
      for (const email of emails) changes.index.confirm(changes.entry(email), bit, group.op);
      writes.push(changes.write(tx, run));
      await Promise.all(writes);
      run.counters[group.op === 'add' ? 'tagged' : 'untagged'] += emails.length;
      if (emails.length === 0)
        run.tagQueue = run.tagQueue.filter((g) => !(g.op === group.op && g.tag === group.tag));
      else adjustTagCount(run, group.op, group.tag, -emails.length);
    });
  }

  /** The first runTags records of a group, enough to fill one tag call. */
  async #tagChunks(
    group: TagGroup,
    store?: { getAll(range: IDBKeyRange, count: number): Promise<unknown[]> },
  ): Promise<TagChunk[]> {
    const source = store ?? {
      getAll: (range: IDBKeyRange, count: number) => this.#deps.db.getAll('runTags', range, count),
    };
    const chunks: TagChunk[] = [];
    let range = tagGroupRange(this.#runId, group.op, group.tag);
    for (;;) {
      const values = (await source.getAll(range, TAG_CHUNKS_READ)).map(parseTagChunk);
      chunks.push(...values);
      const count = chunks.reduce((sum, chunk) => sum + chunk.emails.length, 0);
      if (values.length < TAG_CHUNKS_READ || count >= MAX_TAG_EMAILS) return chunks;
      const last = values.at(-1)!;
      range = IDBKeyRange.bound(
        [last.runId, last.op, last.tag, last.seq],
        [last.runId, last.op, last.tag, []],
        true,
      );
    }
  }

  /**
   * Mirror: one step of the scan for members who left a segment and carry our tag – a base
   * chunk of the ledger, then the log (emails new since the last compaction) a few records at a
   * time. The scan checks every email it meets against the in-memory ledger; the run's own
   * `enqueued` marks keep an email met twice from being queued twice.
   */
  async #scanLeavers(run: RunRecord): Promise<void> {
    const ledger = this.#ledgerNow;
    const { db } = this.#deps;
    const scan = run.untagScan;
    let emails: string[] = [];
    let next: RunRecord['untagScan'];
    if (scan.chunk < ledger.head.chunks) {
      emails = (await readLedgerChunk(db, ledger.head, scan.chunk))?.emails ?? [];
      next = { ...scan, chunk: scan.chunk + 1 };
    } else if (scan.logEnd === null) {
      next = { ...scan, logEnd: ledger.nextLog };
    } else if (scan.log < scan.logEnd) {
      const records = await readLedgerLog(db, ledger.exportId, scan.log, SCAN_LOG_RECORDS);
      const inScan = records.filter((r) => r.seq < (scan.logEnd ?? 0));
      emails = inScan.flatMap((r) => r.emails);
      next = { ...scan, log: inScan.length === 0 ? scan.logEnd : inScan.at(-1)!.seq + 1 };
    } else {
      next = { ...scan, done: true };
    }
    await this.#tx(['runTags', 'ledgerLog'], async (tx, current) => {
      const at = current.untagScan;
      if (at.chunk !== scan.chunk || at.log !== scan.log || at.logEnd !== scan.logEnd || at.done) return;
      advanceTo(current, 'untag');
      const changes = new LedgerChanges(ledger, current.id);
      const { index } = changes;
      const tags = current.definition.segments.map((s) => s.tag);
      for (const email of emails) {
        const id = index.find(email);
        if (id === -1) continue;
        for (const tag of tags) {
          const bit = changes.bit(tag);
          if ((index.seen(id) & bit) === 0 && index.mayHaveOurTag(id, bit))
            changes.enqueue(id, email, 'remove', tag);
        }
      }
      await changes.write(tx, current);
      current.untagScan = next;
    });
  }

  /**
   * Succeeds the run when nothing is left; false when something came up meanwhile. Before, the
   * run's log is folded into a new generation of ledger chunks, so the ledger between runs is a
   * few large records.
   */
  async #finish(): Promise<boolean> {
    const ready = (run: RunRecord) =>
      run.read.done &&
      run.seq.outboxHead === run.seq.outbox &&
      run.seq.settled === run.seq.batch &&
      run.tagQueue.length === 0 &&
      (run.definition.syncMode !== 'mirror' || run.untagScan.done);
    if (!ready(await this.#load())) return false;
    const ledger = this.#ledgerNow;
    const compaction = await writeCompactedChunks(this.#deps.db, ledger);
    return this.#tx(['ledgers', 'ledgerChunks', 'ledgerLog'], async (tx, run) => {
      if (!ready(run) || ledger.nextLog !== compaction.logEnd) return false;
      await commitCompaction(tx, ledger.head, compaction);
      advanceTo(run, 'finish');
      apply(run, { type: 'succeed' });
      run.finishedAt = this.#deps.clock.now();
      return true;
    });
  }

  /** One Omnisend call, tried again after the client gave up on a retryable failure. */
  async #omnisend<T>(send: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof OmnisendError) || !error.retryable) throw error;
        if (error.kind !== 'rate-limited' && round >= OMNISEND_ROUNDS) throw error;
        signal.throwIfAborted();
        // The client already backed off (and a 429 pushed the brand's budget back): a short pause.
        await this.#deps.clock.sleep(this.#deps.timing.pollIntervalMs, signal);
      }
    }
  }

  // --- checkpoints ----------------------------------------------------------------------------

  async #load(): Promise<RunRecord> {
    const value = await this.#deps.db.get('runs', this.#runId);
    if (value === undefined) throw new RunStoppedError('missing');
    const run = parseRunRecord(this.#runId, value);
    if (run.status !== 'running') throw new RunStoppedError('not-running');
    if (run.lease?.owner !== this.#deps.owner) throw new RunStoppedError('lease-lost');
    return run;
  }

  #tx<T>(stores: readonly EngineStore[], change: (tx: RunTx, run: RunRecord) => Promise<T>): Promise<T> {
    const { db, owner, clock, timing } = this.#deps;
    return inRunTx(
      { db, runId: this.#runId, owner, now: () => clock.now(), leaseMs: timing.leaseMs },
      stores,
      change,
    );
  }
}

/** Applies a state-machine event to a run record; a refused event is a bug in the engine. */
export function apply(run: RunRecord, event: RunEvent): void {
  const result = transition({ status: run.status, phase: run.phase, error: run.error }, event);
  if (!result.ok) throw new Error(`Run state machine refused: ${result.reason}`);
  run.status = result.state.status;
  run.phase = result.state.phase;
  run.error = result.state.error;
}

/** Advances to `phase` unless the run is already there or past it. */
function advanceTo(run: RunRecord, phase: NonNullable<RunRecord['phase']>): void {
  const result = transition(
    { status: run.status, phase: run.phase, error: run.error },
    { type: 'advance', to: phase },
  );
  if (result.ok) run.phase = result.state.phase;
}

function mappedFields(run: RunRecord): string[] {
  const { customProperties, consent, ...single } = run.definition.mapping;
  const fields = Object.values(single).filter((f): f is string => typeof f === 'string');
  for (const property of customProperties ?? []) fields.push(property.field);
  if (consent) fields.push(consent.field, ...(consent.changedAtField ? [consent.changedAtField] : []));
  return [...new Set(fields)];
}

/** Takes the first `count` contacts of the outbox's first chunk (all of them, normally). */
async function takeFromOutbox(tx: RunTx, run: RunRecord, chunk: OutboxChunk, count: number): Promise<void> {
  const outbox = tx.objectStore('runOutbox');
  run.seq.outboxItems -= count;
  if (count >= chunk.items.length) {
    run.seq.outboxHead++;
    await outbox.delete([run.id, chunk.seq]);
    return;
  }
  const rest = chunk.items.slice(count);
  const bytes = packedBytes(rest.map((item) => encoder.encode(JSON.stringify(item.contact)).length));
  await outbox.put({ ...chunk, items: rest, bytes } satisfies OutboxChunk);
}

const encoder = new TextEncoder();

/**
 * The first `max` emails of a group's chunks, in order: how many chunks they empty, and how many
 * emails they take from the chunk after those.
 */
function takeEmails(
  chunks: readonly TagChunk[],
  max: number,
): { emails: string[]; whole: number; fromPartial: number } {
  const emails: string[] = [];
  let whole = 0;
  for (const chunk of chunks) {
    const room = max - emails.length;
    if (chunk.emails.length <= room) {
      emails.push(...chunk.emails);
      whole++;
      continue;
    }
    emails.push(...chunk.emails.slice(0, room));
    return { emails, whole, fromPartial: room };
  }
  return { emails, whole, fromPartial: 0 };
}
