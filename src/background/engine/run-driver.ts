import type { Clock } from '../../core/clock.ts';
import { utf8Length } from '../../core/fingerprint.ts';
import { mappedFields } from '../../core/mapping/mapping.ts';
import { type BatchLimits, packedBytes } from '../../core/run/batch-plan.ts';
import type { BrandFacts } from '../../core/run/brand-facts.ts';
import { BATCHES_PER_LISTING } from '../../core/run/plan-floor.ts';
import { type RunEvent, transition } from '../../core/run/run-state.ts';
import { nextTagCall, type TagGroup } from '../../core/run/tag-plan.ts';
import { snapshotKey } from '../../core/snapshot/snapshot-plan.ts';
import type { BatchOutcome } from '../../omnisend/batch-outcome.ts';
import {
  type BatchListPage,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  MAX_TAG_EMAILS,
} from '../../omnisend/client.ts';
import {
  InvalidRequestError,
  NotFoundError,
  OmnisendError,
  UnexpectedResponseError,
} from '../../omnisend/errors.ts';
import { type ContactJson, parseContactJson } from '../../omnisend/schemas.ts';
import {
  type MemberPage,
  needsUser,
  retryAfterOf,
  type SegmentSource,
} from '../../sources/segment-source.ts';
import { brandFactsOf, lookupSnapshot, type SnapshotHead } from '../../storage/brand-snapshot.ts';
import {
  commitCompaction,
  type LoadedLedger,
  loadLedger,
  readLedgerChunk,
  writeCompactedChunks,
} from '../../storage/ledger.ts';
import type { Database } from '../../storage/open-database.ts';
import { getRun, parseRunRecord, type RunRecord, rememberId } from '../../storage/run-records.ts';
import {
  type BatchRecord,
  type OutboxChunk,
  parseBatchRecord,
  parseOutboxChunk,
  parseRunChange,
  parseTagChunk,
  type RunChange,
  type TagChunk,
  tagGroupRange,
} from '../../storage/run-work.ts';
import { LedgerChanges } from './ledger-changes.ts';
import type { OmnisendAccess } from './omnisend-access.ts';
import { applyPage, type MappedRow, mapPage } from './read-page.ts';
import { RunFailure, RunWaiting } from './run-errors.ts';
import { type EngineStore, inRunTx, RunStoppedError, type RunTx } from './run-transaction.ts';
import { applyBatchResults, type SettledBatch } from './settle-batch.ts';
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
  /** The brand snapshot, brought up to date as the run (re)started; null without one. */
  snapshot: SnapshotHead | null;
  /** snapshotShowsDeletions of that snapshot for this run's ledger. */
  showsDeletions: boolean;
}

/** runTags records read at a time to fill one tag call. */
const TAG_CHUNKS_READ = 5;
const SOURCE_ATTEMPTS = 4;
/** Batches the upsert lane keeps on the wire at once. */
const SUBMIT_DEPTH = 3;
/** Batch item reads the settle lane keeps on the wire at once. */
const POLL_DEPTH = 3;
/** The most entries a page of GET /batches holds (the batches document: limit 1–250). */
const MAX_LIST_LIMIT = 250;
/** Room on a listing's first page for batches of other runs and apps, newer than ours. */
const LIST_SLACK = 10;
/** Polls after which the oldest due batch is listed however few batches are due with it. */
const SETTLE_LATENCY_POLLS = 30;
/** Refused listings in a row after which the driver reads every batch's items instead. */
const LIST_REFUSALS = 3;
const DAY_MS = 86_400_000;
/**
 * Rounds of the client's own retries a step gets for server and network errors before the run
 * fails. A 429 never fails a run: Omnisend asked us to wait, so the step waits and goes again.
 */
const OMNISEND_ROUNDS = 3;
const batchLimits: BatchLimits = {
  maxItems: MAX_BATCH_ITEMS,
  maxBytes: MAX_BATCH_BYTES,
  envelopeBytes: utf8Length(JSON.stringify({ endpoint: 'contacts', method: 'POST', items: [] })),
};

/**
 * Works one running run to its end, as three lanes at once (DESIGN.md §5): the upsert lane reads
 * the source page by page and submits batches; the settle lane polls submitted batches and reads
 * their results; the tag lane sends tag calls, scans for leavers (mirror) and finishes the run.
 * Each step is a checkpoint taken after Omnisend accepted, so a step cut short by a stopped worker
 * is simply done again on resume – upserts by email and tag calls are idempotent.
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
  /**
   * The run as the last checkpoint stored it. Checkpoints follow one another (each holds the run
   * record), so this is the run's state for every lane; a cancel aborts the lanes' signal, and
   * every checkpoint reads the stored record again before it changes anything.
   */
  #latest: RunRecord | null = null;
  /** Outbox chunks written by this driver's checkpoints and not yet sent, by seq. */
  readonly #outbox = new Map<number, OutboxChunk>();
  /** Unsettled batches as this driver's checkpoints stored them, by seq. */
  readonly #batches = new Map<number, BatchRecord>();
  /** GET /batches answers refused in a row (see LIST_REFUSALS). */
  #listRefusals = 0;

  constructor(deps: DriverDeps, runId: string) {
    this.#deps = deps;
    this.#runId = runId;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#ledger = await this.#loadLedger();
    const lanes = new AbortController();
    const stop = AbortSignal.any([signal, lanes.signal]);
    const lane = (work: Promise<void>) =>
      work.catch((error: unknown) => {
        lanes.abort(error);
        throw error;
      });
    const results = await Promise.allSettled([
      lane(this.#upsertLane(stop)),
      lane(this.#settleLane(stop)),
      lane(this.#tagLane(stop)),
    ]);
    // The first failure is the cause; the other lanes only stopped because of it.
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw lanes.signal.aborted ? lanes.signal.reason : failures[0];
  }

  /**
   * Loads the export's ledger. A log left by an earlier run that ended before folding it in (it
   * was canceled or failed) is folded in first, so that a run's log only ever holds its own records.
   */
  async #loadLedger(): Promise<LoadedLedger> {
    const run = await this.#load();
    const tags = await this.#tagsOf(run);
    const expected = Math.max(0, (run.total ?? 0) - run.counters.read);
    const load = () => loadLedger(this.#deps.db, run.exportId, run.id, tags, expected);
    let ledger = await load();
    // A run's first checkpoint comes after this: its log and an earlier run's never mix.
    if (ledger.foreignLog && ledger.ownLog) throw new RunFailure('engine.corrupt-run');
    if (ledger.foreignLog) {
      const compaction = await writeCompactedChunks(this.#deps.db, ledger);
      const previous = ledger.head;
      await this.#tx(['ledgers', 'ledgerChunks', 'ledgerLog'], (tx) =>
        commitCompaction(tx, previous, compaction),
      );
      ledger = await load();
    }
    return ledger;
  }

  /**
   * The tags this run may add or remove, which get the ledger's first bits: an export's segment
   * tags, the tags a retire run takes away, or the segment tags of the run an undo takes back.
   */
  async #tagsOf(run: RunRecord): Promise<string[]> {
    const { job } = run;
    if (job.kind === 'retire') return job.tags;
    if (job.kind === 'export') return run.definition.segments.map((s) => s.tag);
    const undone = await getRun(this.#deps.db, job.runId);
    if (undone === undefined) throw new RunFailure('undo-unavailable');
    return undone.definition.segments.map((s) => s.tag);
  }

  get #ledgerNow(): LoadedLedger {
    if (this.#ledger === null) throw new Error('The run driver has not loaded the ledger.');
    return this.#ledger;
  }

  // --- upsert lane ----------------------------------------------------------------------------

  /**
   * Reads pages while at most the last outbox chunk (still being filled) waits, and submits full
   * chunks – up to `SUBMIT_DEPTH` at once, because a batch spends most of its time on the wire.
   * Submissions take chunks in order and record them in order; one that is not recorded (Omnisend
   * refused it as a whole) makes the later ones in flight unrecorded too, so they are sent again.
   */
  async #upsertLane(signal: AbortSignal): Promise<void> {
    const inFlight: Submission[] = [];
    const oldest = async () => {
      const settled = inFlight.shift()?.done.then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotRecorded) return false;
          throw error;
        },
      );
      // Not recorded: neither are the ones after it; let them land, then start again at the head.
      if ((await settled) === false)
        while (inFlight.length > 0) await inFlight.shift()?.done.catch(ignoreNotRecorded);
      this.#wake.notify();
    };
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      const next = inFlight.length > 0 ? inFlight.at(-1)!.seq + 1 : run.seq.outboxHead;
      const waiting = run.seq.outbox - next;
      const waitingItems = run.seq.outboxItems - inFlight.reduce((sum, s) => sum + s.items, 0);
      if (!run.read.done && waiting <= 1 && waitingItems < this.#maxItems) {
        await this.#readPage(run, signal);
        this.#wake.notify();
        continue;
      }
      if (waiting === 0) {
        if (inFlight.length === 0) {
          this.#wake.notify();
          return;
        }
        await oldest();
        continue;
      }
      const whole = this.#maxItems === MAX_BATCH_ITEMS;
      // Only whole chunks go out side by side: a part taken leaves the rest at the head.
      if (inFlight.length >= (whole ? SUBMIT_DEPTH : 1)) {
        await oldest();
        continue;
      }
      const chunk = await this.#outboxChunk(run, next);
      const previous = inFlight.at(-1)?.done ?? Promise.resolve();
      const done = this.#submitBatch(chunk, previous, signal);
      done.catch(() => undefined);
      inFlight.push({ seq: chunk.seq, items: Math.min(chunk.items.length, this.#maxItems), done });
    }
  }

  async #readPage(run: RunRecord, signal: AbortSignal): Promise<void> {
    const { segment: index, cursor } = run.read;
    const segment = run.definition.segments[index];
    if (segment === undefined) throw new RunFailure('engine.corrupt-run');
    const page = await this.#readMembers(run, segment.sourceId, segment.segmentId, cursor, signal);
    const context = {
      tag: segment.tag,
      mapping: run.definition.mapping,
      today: new Date(this.#deps.clock.now()).toISOString().slice(0, 10),
      mappingVersion: run.mappingVersion,
      limits: batchLimits,
    };
    const mapped = mapPage(page.rows, context);
    const brand = await this.#brandFacts(mapped);
    let written: OutboxChunk[] = [];
    await this.#tx(['ledgerLog', 'runOutbox', 'runRejected', 'runTags'], async (tx, current) => {
      // Another page was taken since we read this one: drop ours, it will be read again.
      if (current.read.segment !== index || current.read.cursor !== cursor || current.read.done) return;
      written = await applyPage(tx, current, this.#ledgerNow, mapped, { ...context, brand }, (seq) =>
        this.#outbox.get(seq),
      );
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
    for (const chunk of written) this.#outbox.set(chunk.seq, chunk);
  }

  /** What the snapshot says of a page's contacts (brand-facts.ts); null without a snapshot. */
  async #brandFacts(mapped: readonly MappedRow[]): Promise<BrandFacts | null> {
    const { snapshot, db } = this.#deps;
    if (snapshot === null || snapshot.listedAt === null) return null;
    const emails = mapped.flatMap((row) => (row.ok ? [row.email] : []));
    return brandFactsOf(
      await lookupSnapshot(db, snapshot, emails.map(snapshotKey)),
      this.#deps.showsDeletions,
    );
  }

  async #readMembers(
    run: RunRecord,
    sourceId: string,
    segmentId: string,
    cursor: string | null,
    signal: AbortSignal,
  ): Promise<MemberPage> {
    const source = await this.#source(sourceId, run);
    const fields = mappedFields(run.definition.mapping);
    for (let attempt = 1; ; attempt++) {
      try {
        return await source.readMembers(segmentId, cursor, { fields, signal });
      } catch (error) {
        signal.throwIfAborted();
        if (needsUser(error)) throw new RunWaiting({ code: error.code });
        // The service said when to ask again (a 429's `Retry-After`: Dataverse's service protection
        // limits, https://learn.microsoft.com/power-apps/developer/data-platform/api-limits, and
        // the Data API's, customer-insights.md §2): the wait is honoured in full, no failed attempt.
        const retryAfterMs = retryAfterOf(error);
        if (retryAfterMs !== undefined) {
          attempt--;
          await this.#deps.clock.sleep(retryAfterMs, signal);
          continue;
        }
        if (attempt >= SOURCE_ATTEMPTS) {
          const name =
            run.definition.segments.find((s) => s.segmentId === segmentId)?.displayName ?? segmentId;
          throw new RunFailure('source-unreadable', { name });
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
        throw new RunFailure('source-missing', { name });
      }
      this.#sources.set(sourceId, source);
    }
    return source;
  }

  async #outboxChunk(run: RunRecord, seq: number): Promise<OutboxChunk> {
    const cached = this.#outbox.get(seq);
    this.#outbox.delete(seq);
    if (cached) return cached;
    const value = await this.#deps.db.get('runOutbox', [run.id, seq]);
    if (value === undefined) throw new RunFailure('engine.corrupt-run');
    const chunk = parseOutboxChunk(value);
    if (chunk.items.some((item) => parseContactJson(item.contact) === null))
      throw new RunFailure('engine.corrupt-run');
    return chunk;
  }

  /**
   * Sends the first contacts of an outbox chunk as one batch (all of them, normally) and, once
   * the submission before it is recorded, records it – unless the outbox's head is no longer this
   * chunk (an earlier one was not recorded): then it is sent again later.
   */
  async #submitBatch(chunk: OutboxChunk, previous: Promise<void>, signal: AbortSignal): Promise<void> {
    const items = chunk.items.slice(0, this.#maxItems);
    // The chunk's contacts were checked when it was made (mapPage) or read back (#outboxChunk).
    const contacts = items.map((item) => item.contact as ContactJson);
    let batchId: string;
    try {
      ({ batchID: batchId } = await this.#omnisend(
        () => this.#deps.access.api.submitContactBatch(contacts, { signal }),
        signal,
      ));
    } catch (error) {
      await previous.catch(() => undefined);
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
    await previous;
    this.#maxItems = Math.min(MAX_BATCH_ITEMS, this.#maxItems * 2);
    const now = this.#deps.clock.now();
    const batch = await this.#tx(['runOutbox', 'runBatches'], async (tx, run) => {
      if (run.seq.outboxHead !== chunk.seq) return null;
      const record: BatchRecord = {
        runId: run.id,
        seq: run.seq.batch++,
        batchId,
        state: 'submitted',
        submittedAt: now,
        nextPollAt: now + this.#deps.timing.pollIntervalMs,
        polls: 0,
        items: items.map(({ email, tag, position, fingerprint, tagged }) => ({
          email,
          tag,
          position,
          fingerprint,
          ...(tagged ? { tagged } : {}),
        })),
        failed: 0,
      };
      // The record first: a write refused as it is asked for then leaves no outbox write pending.
      const stored = tx.objectStore('runBatches').put(record);
      await Promise.all([takeFromOutbox(tx, run, chunk, items.length), stored]);
      run.counters.sent += items.length;
      run.support.batchIds = rememberId(run.support.batchIds, batchId);
      return record;
    });
    if (batch === null) throw new NotRecorded();
    this.#batches.set(batch.seq, batch);
  }

  /** The first queued contact can never be sent: a rejected row, kept for the next run. */
  async #rejectHead(chunk: OutboxChunk, reason: string, message: string, requestId?: string): Promise<void> {
    const item = chunk.items[0]!;
    await this.#tx(['runOutbox', 'runRejected'], async (tx, run) => {
      if (run.seq.outboxHead !== chunk.seq) return;
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

  // --- settle and tag lanes ---------------------------------------------------------------------

  /**
   * Settles submitted batches once they are due, in the order they were submitted: one listing of
   * the brand's contact batches answers for all due ones at once (`#pollDue`) – once
   * `BATCHES_PER_LISTING` are due, when the last batch went out, or when the oldest has waited
   * `SETTLE_LATENCY_POLLS` poll intervals (a slow source) – and each round's settled batches that
   * follow the oldest unsettled one go into one checkpoint.
   */
  async #settleLane(signal: AbortSignal): Promise<void> {
    const { clock, timing } = this.#deps;
    /** Settled outcomes waiting for an older batch to settle first, by batch seq. */
    const answered = new Map<number, BatchOutcome & { settled: true }>();
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      if (run.seq.batch > run.seq.settled) {
        const now = clock.now();
        const due: BatchRecord[] = [];
        for (let seq = run.seq.settled; seq < run.seq.batch; seq++) {
          if (answered.has(seq)) continue;
          const batch = await this.#batchAt(run, seq);
          // Batches fall due in the order they went out.
          if (batch.nextPollAt > now) break;
          due.push(batch);
        }
        // One listing settles many batches: it waits for enough of them, unless no more are coming
        // or the oldest has waited long.
        const upstreamDone = run.read.done && run.seq.outboxHead === run.seq.outbox;
        const ripe =
          due.length >= BATCHES_PER_LISTING ||
          upstreamDone ||
          (due.length > 0 && now - due[0]!.nextPollAt >= timing.pollIntervalMs * SETTLE_LATENCY_POLLS);
        if (ripe && due.length > 0) {
          for (const [seq, outcome] of await this.#pollDue(run, due, signal)) {
            if (outcome.settled) answered.set(seq, outcome);
          }
        }
        const ready: SettledBatch[] = [];
        for (let seq = run.seq.settled; answered.has(seq); seq++) {
          ready.push({ batch: await this.#batchAt(run, seq), outcomeOf: answered.get(seq)!.outcomeOf });
        }
        if (ready.length > 0) {
          await this.#settle(ready);
          for (const { batch } of ready) answered.delete(batch.seq);
          this.#wake.notify();
          continue;
        }
        const oldest = await this.#batchAt(run, run.seq.settled);
        const wait = due.length > 0 ? timing.pollIntervalMs : oldest.nextPollAt - clock.now();
        await this.#wake.wait(clock, Math.max(wait, 1), signal);
        continue;
      }
      if (run.read.done && run.seq.outboxHead === run.seq.outbox) return;
      await this.#wake.wait(clock, timing.pollIntervalMs, signal);
    }
  }

  /**
   * The outcomes of due batches: from one listing of the brand's contact batches where its entries
   * settle them, else (an entry without per-item results, a batch the listing did not show, a
   * listing Omnisend refused) from each batch's items. A batch still being worked on is due again a
   * poll interval later.
   */
  async #pollDue(
    run: RunRecord,
    due: readonly BatchRecord[],
    signal: AbortSignal,
  ): Promise<Map<number, BatchOutcome>> {
    const listed = await this.#listOutcomes(run, due, signal);
    const outcomes = new Map<number, BatchOutcome>();
    const unlisted: BatchRecord[] = [];
    for (const batch of due) {
      const outcome = listed.get(batch.batchId);
      if (outcome) outcomes.set(batch.seq, outcome);
      else unlisted.push(batch);
    }
    for (let at = 0; at < unlisted.length; at += POLL_DEPTH) {
      const some = unlisted.slice(at, at + POLL_DEPTH);
      const answers = await Promise.all(some.map((batch) => this.#fetchResult(batch, signal)));
      for (const [i, batch] of some.entries()) outcomes.set(batch.seq, answers[i]!);
    }
    const nextPollAt = this.#deps.clock.now() + this.#deps.timing.pollIntervalMs;
    for (const batch of due) {
      const polled = { ...batch, polls: batch.polls + 1 };
      this.#batches.set(batch.seq, outcomes.get(batch.seq)?.settled ? polled : { ...polled, nextPollAt });
    }
    return outcomes;
  }

  /**
   * Due batches' outcomes as GET /batches lists them (newest first in the sandbox; Omnisend
   * publishes no order): pages from the top until every due batch was seen, as many as the run's
   * unsettled batches fill and one more. New batches pushing entries down between pages only show
   * some twice (the first sighting counts); a batch pushed out of sight is read from its items.
   * Null entries and missing batches are left to the caller.
   */
  async #listOutcomes(
    run: RunRecord,
    due: readonly BatchRecord[],
    signal: AbortSignal,
  ): Promise<Map<string, BatchOutcome | null>> {
    const found = new Map<string, BatchOutcome | null>();
    if (this.#listRefusals >= LIST_REFUSALS) return found;
    const wanted = new Set(due.map((batch) => batch.batchId));
    // The day before the oldest's: whatever time zone Omnisend's dates are in.
    const dateFrom = new Date(due[0]!.submittedAt - DAY_MS).toISOString().slice(0, 10);
    // Newest first, the oldest due batch lies below every batch sent after it: pages enough to
    // reach it, and one more for batches of others created meanwhile.
    const reach = run.seq.batch - run.seq.settled + LIST_SLACK;
    const limit = Math.min(MAX_LIST_LIMIT, reach);
    const pages = Math.ceil(reach / limit) + 1;
    let offset = 0;
    for (let page = 0; page < pages; page++) {
      let answer: BatchListPage;
      try {
        answer = await this.#omnisend(
          () => this.#deps.access.api.listBatchOutcomes({ offset, limit, dateFrom }, { signal }),
          signal,
        );
      } catch (error) {
        // The items of each batch tell the same: a listing Omnisend refuses is not a failed run.
        const refused =
          error instanceof InvalidRequestError ||
          error instanceof NotFoundError ||
          error instanceof UnexpectedResponseError;
        if (!refused) throw error;
        this.#listRefusals++;
        return found;
      }
      this.#listRefusals = 0;
      for (const { batchID, outcome } of answer.batches) {
        if (wanted.has(batchID) && !found.has(batchID)) found.set(batchID, outcome);
      }
      if (found.size === wanted.size || !answer.more) break;
      offset += answer.batches.length;
    }
    return found;
  }

  async #tagLane(signal: AbortSignal): Promise<void> {
    const { clock, timing } = this.#deps;
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      const upstreamDone = run.read.done && run.seq.outboxHead === run.seq.outbox;
      const unsettled = run.seq.batch - run.seq.settled;
      const scans = run.definition.syncMode === 'mirror' || run.job.kind !== 'export';
      const scanning = scans && !run.untagScan.done;
      const group = nextTagCall(run.tagQueue, {
        maxEmails: MAX_TAG_EMAILS,
        moreAdds: !upstreamDone || unsettled > 0 || (run.job.kind === 'undo' && scanning),
        moreRemoves: scanning,
      });
      if (group) {
        await this.#sendTags(group, signal);
        continue;
      }
      if (!upstreamDone || unsettled > 0) {
        await this.#wake.wait(clock, timing.pollIntervalMs, signal);
        continue;
      }
      if (scanning) {
        await (run.job.kind === 'undo' ? this.#scanUndone(run, run.job.runId) : this.#scanLeavers(run));
        continue;
      }
      if (await this.#finish()) return;
    }
  }

  async #batchAt(run: RunRecord, seq: number): Promise<BatchRecord> {
    const cached = this.#batches.get(seq);
    if (cached) return cached;
    const value = await this.#deps.db.get('runBatches', [run.id, seq]);
    if (value === undefined) throw new RunFailure('engine.corrupt-run');
    return parseBatchRecord(value);
  }

  /** A batch's outcome: settled, or still being worked on. */
  #fetchResult(batch: BatchRecord, signal: AbortSignal): Promise<BatchOutcome> {
    return this.#omnisend(() => this.#deps.access.api.getBatchOutcome(batch.batchId, { signal }), signal);
  }

  /** Settled batches, the oldest unsettled first and those right after it, in one checkpoint. */
  async #settle(ready: readonly SettledBatch[]): Promise<void> {
    const first = ready[0]!.batch;
    await this.#tx(['ledgerLog', 'runTags', 'runRejected', 'runBatches', 'runChanges'], async (tx, run) => {
      if (run.seq.settled !== first.seq) return;
      const tags = run.definition.segments.map((s) => s.tag);
      await applyBatchResults(tx, run, this.#ledgerNow, ready, tags);
      if (run.read.done && run.seq.outboxHead === run.seq.outbox && run.seq.settled === run.seq.batch) {
        advanceTo(run, 'tag');
      }
    });
    for (const { batch } of ready) this.#batches.delete(batch.seq);
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
    await this.#tx(['runTags', 'ledgerLog', 'runChanges'], async (tx, run) => {
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
      if (emails.length > 0) {
        const change: RunChange = {
          runId: run.id,
          seq: run.seq.changes++,
          op: group.op,
          tag: group.tag,
          emails,
        };
        writes.push(tx.objectStore('runChanges').put(change));
      }
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
   * Mirror: one step of the scan for members who left a segment and carry our tag – one base
   * chunk of the ledger, checked against the in-memory ledger. The log needs no scan: every email
   * it holds and the base does not, this run has read. A retire run scans the same way for the
   * tags it takes away: it has read no member, so everyone the ledger gives such a tag loses it.
   */
  async #scanLeavers(run: RunRecord): Promise<void> {
    const ledger = this.#ledgerNow;
    const { chunk } = run.untagScan;
    const emails =
      chunk < ledger.head.chunks
        ? ((await readLedgerChunk(this.#deps.db, ledger.head, chunk))?.emails ?? [])
        : [];
    await this.#tx(['runTags', 'ledgerLog'], async (tx, current) => {
      if (current.untagScan.chunk !== chunk || current.untagScan.done) return;
      advanceTo(current, 'untag');
      const changes = new LedgerChanges(ledger, current.id);
      const { index } = changes;
      const { job } = current;
      const tags = job.kind === 'retire' ? job.tags : current.definition.segments.map((s) => s.tag);
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
      current.untagScan = { chunk: chunk + 1, done: chunk + 1 >= ledger.head.chunks };
    });
  }

  /**
   * Undo: one step of the scan of what run `undone` changed (its runChanges records, in order):
   * each tag it added is queued for removal and each it removed (Mirror) for addition, unless the
   * ledger shows the change already taken back. Contacts it created stay: the API deletes none.
   */
  async #scanUndone(run: RunRecord, undone: string): Promise<void> {
    const { chunk } = run.untagScan;
    const value = await this.#deps.db.get('runChanges', [undone, chunk]);
    const record = value === undefined ? null : parseRunChange(value);
    await this.#tx(['runTags', 'ledgerLog'], async (tx, current) => {
      if (current.untagScan.chunk !== chunk || current.untagScan.done) return;
      advanceTo(current, 'untag');
      if (record === null) {
        current.untagScan = { chunk, done: true };
        return;
      }
      const changes = new LedgerChanges(this.#ledgerNow, current.id);
      const { index } = changes;
      const bit = changes.bit(record.tag);
      for (const email of record.op === 'create' ? [] : record.emails) {
        const id = index.find(email);
        if (id === -1) continue;
        if (record.op === 'add' && index.mayHaveOurTag(id, bit))
          changes.enqueue(id, email, 'remove', record.tag);
        if (record.op === 'remove' && index.needsTag(id, bit)) changes.enqueue(id, email, 'add', record.tag);
      }
      await changes.write(tx, current);
      current.untagScan = { chunk: chunk + 1, done: false };
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
      ((run.definition.syncMode !== 'mirror' && run.job.kind === 'export') || run.untagScan.done);
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
    if (this.#latest !== null) return this.#latest;
    const value = await this.#deps.db.get('runs', this.#runId);
    if (value === undefined) throw new RunStoppedError('missing');
    const run = parseRunRecord(this.#runId, value);
    if (run.status !== 'running') throw new RunStoppedError('not-running');
    if (run.lease?.owner !== this.#deps.owner) throw new RunStoppedError('lease-lost');
    return run;
  }

  async #tx<T>(
    stores: readonly EngineStore[],
    change: (tx: RunTx, run: RunRecord) => Promise<T>,
  ): Promise<T> {
    const { db, owner, clock, timing } = this.#deps;
    let stored: RunRecord | null = null;
    const result = await inRunTx(
      { db, runId: this.#runId, owner, now: () => clock.now(), leaseMs: timing.leaseMs },
      stores,
      (tx, run) => {
        stored = run;
        return change(tx, run);
      },
    );
    this.#latest = stored;
    return result;
  }
}

interface Submission {
  /** The outbox chunk it takes. */
  seq: number;
  items: number;
  /** Settles once the batch is recorded (or was not). */
  done: Promise<void>;
}

/** A batch went out but was not recorded, because an earlier chunk is still at the outbox's head. */
class NotRecorded extends Error {}

function ignoreNotRecorded(error: unknown): void {
  if (!(error instanceof NotRecorded)) throw error;
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
  const bytes = packedBytes(rest.map((item) => utf8Length(item.contact)));
  await outbox.put({ ...chunk, items: rest, bytes } satisfies OutboxChunk);
}

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
