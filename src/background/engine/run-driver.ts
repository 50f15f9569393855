import type { Clock } from '../../core/clock.ts';
import { mappedFields } from '../../core/mapping/mapping.ts';
import { planBatch } from '../../core/run/batch-plan.ts';
import { type RunEvent, transition } from '../../core/run/run-state.ts';
import { nextTagCall, type TagGroup } from '../../core/run/tag-plan.ts';
import type { BatchOutcome } from '../../omnisend/batch-outcome.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_ITEMS, MAX_TAG_EMAILS } from '../../omnisend/client.ts';
import { InvalidRequestError, OmnisendError } from '../../omnisend/errors.ts';
import { type ContactRequest, contactRequestSchema } from '../../omnisend/schemas.ts';
import { type MemberPage, needsUser, type SegmentSource } from '../../sources/segment-source.ts';
import { ledgerRange, mayHaveOurTag, parseLedgerEntry } from '../../storage/ledger.ts';
import type { Database } from '../../storage/open-database.ts';
import { parseRunRecord, type RunRecord, rememberId } from '../../storage/run-records.ts';
import {
  type BatchRecord,
  type OutboxItem,
  parseBatchRecord,
  parseOutboxItem,
  parseTagQueueEntry,
  tagGroupRange,
} from '../../storage/run-work.ts';
import type { OmnisendAccess } from './omnisend-access.ts';
import { applyPage } from './read-page.ts';
import { RunFailure, RunWaiting } from './run-errors.ts';
import { type EngineStore, inRunTx, RunStoppedError, type RunTx } from './run-transaction.ts';
import { applyBatchResult } from './settle-batch.ts';
import { adjustTagCount, enqueueTags } from './tag-queue.ts';
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

const SCAN_CHUNK = 500;
const SOURCE_ATTEMPTS = 4;
/**
 * Rounds of the client's own retries a step gets for server and network errors before the run
 * fails. A 429 never fails a run: Omnisend asked us to wait, so the step waits and goes again.
 */
const OMNISEND_ROUNDS = 3;
const envelopeBytes = byteLength(JSON.stringify({ endpoint: 'contacts', method: 'POST', items: [] }));

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

  constructor(deps: DriverDeps, runId: string) {
    this.#deps = deps;
    this.#runId = runId;
  }

  async run(signal: AbortSignal): Promise<void> {
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

  // --- upsert lane ----------------------------------------------------------------------------

  async #upsertLane(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const run = await this.#load();
      const queued = await this.#peekOutbox(run, this.#maxItems);
      if (!run.read.done && queued.length < this.#maxItems) {
        await this.#readPage(run, signal);
        this.#wake.notify();
        continue;
      }
      if (queued.length === 0) {
        this.#wake.notify();
        return;
      }
      await this.#submitBatch(queued, signal);
      this.#wake.notify();
    }
  }

  async #readPage(run: RunRecord, signal: AbortSignal): Promise<void> {
    const { segment: index, cursor } = run.read;
    const segment = run.definition.segments[index];
    if (segment === undefined)
      throw new RunFailure('engine.corrupt-run', 'The run refers to a segment it does not have.');
    const page = await this.#readMembers(run, segment.sourceId, segment.segmentId, cursor, signal);
    const today = new Date(this.#deps.clock.now()).toISOString().slice(0, 10);
    await this.#tx(['ledger', 'runOutbox', 'runRejected', 'runTags'], async (tx, current) => {
      // Another page was taken since we read this one: drop ours, it will be read again.
      if (current.read.segment !== index || current.read.cursor !== cursor || current.read.done) return;
      await applyPage(tx, current, page.rows, {
        tag: segment.tag,
        mapping: current.definition.mapping,
        today,
      });
      // Members a source may have missed are no leavers: this run takes no tags away (Mirror).
      if (page.complete === false) current.untagScan = { after: current.untagScan.after, done: true };
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
    const fields = mappedFields(run.definition.mapping);
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

  async #peekOutbox(run: RunRecord, limit: number): Promise<OutboxItem[]> {
    const range = IDBKeyRange.bound([run.id, run.seq.outboxHead], [run.id, []]);
    return (await this.#deps.db.getAll('runOutbox', range, limit)).map(parseOutboxItem);
  }

  async #submitBatch(queued: readonly OutboxItem[], signal: AbortSignal): Promise<void> {
    const contacts: ContactRequest[] = queued.map((item) => contactRequestSchema.parse(item.contact));
    const plan = planBatch(
      contacts.map((c) => byteLength(JSON.stringify(c))),
      { maxItems: this.#maxItems, maxBytes: MAX_BATCH_BYTES, envelopeBytes },
    );
    if (plan.kind === 'empty') return;
    if (plan.kind === 'oversized') {
      await this.#rejectHead(
        queued[0]!,
        'contact-too-large',
        'The contact is larger than an Omnisend batch may be.',
      );
      return;
    }
    const items = queued.slice(0, plan.take);
    let batchId: string;
    try {
      const batch = contacts.slice(0, plan.take);
      ({ batchID: batchId } = await this.#omnisend(
        () => this.#deps.access.api.submitContactBatch(batch, { signal }),
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
        items[0]!,
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
      if (run.seq.outboxHead !== items[0]!.seq) throw new RunStoppedError('lease-lost');
      const outbox = tx.objectStore('runOutbox');
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
        ...items.map((item) => outbox.delete([run.id, item.seq])),
        tx.objectStore('runBatches').put(batch),
      ]);
      run.seq.outboxHead += items.length;
      run.counters.sent += items.length;
      run.support.batchIds = rememberId(run.support.batchIds, batchId);
    });
  }

  /** The first queued contact can never be sent: a rejected row, kept for the next run. */
  async #rejectHead(item: OutboxItem, reason: string, message: string, requestId?: string): Promise<void> {
    await this.#tx(['runOutbox', 'runRejected', 'ledger'], async (tx, run) => {
      if (run.seq.outboxHead !== item.seq) throw new RunStoppedError('lease-lost');
      await tx.objectStore('runOutbox').delete([run.id, item.seq]);
      run.seq.outboxHead++;
      run.counters.rejected++;
      if (requestId) run.support.requestIds = rememberId(run.support.requestIds, requestId);
      await tx.objectStore('runRejected').put({
        runId: run.id,
        seq: run.seq.rejected++,
        position: item.position,
        kind: 'row',
        email: item.email,
        field: 'contact',
        reason,
        message,
        ...(requestId ? { requestId } : {}),
      });
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
        await this.#scanLeavers();
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

  /** One poll of the oldest unsettled batch: its outcomes once settled, else a later poll. */
  async #poll(batch: BatchRecord, signal: AbortSignal): Promise<void> {
    const result: BatchOutcome = await this.#omnisend(
      () => this.#deps.access.api.getBatchOutcome(batch.batchId, { signal }),
      signal,
    );
    const now = this.#deps.clock.now();
    if (!result.settled) {
      await this.#tx(['runBatches'], async (tx) => {
        await tx
          .objectStore('runBatches')
          .put({ ...batch, polls: batch.polls + 1, nextPollAt: now + this.#deps.timing.pollIntervalMs });
      });
      return;
    }
    await this.#tx(['ledger', 'runTags', 'runRejected', 'runBatches'], async (tx, run) => {
      if (run.seq.settled !== batch.seq) return;
      const tags = run.definition.segments.map((s) => s.tag);
      await applyBatchResult(tx, run, { ...batch, polls: batch.polls + 1 }, result.outcomeOf, tags);
      if (run.read.done && run.seq.outboxHead === run.seq.outbox && run.seq.settled === run.seq.batch) {
        advanceTo(run, 'tag');
      }
    });
  }

  async #sendTags(group: TagGroup, signal: AbortSignal): Promise<void> {
    const { db, access } = this.#deps;
    const range = tagGroupRange(this.#runId, group.op, group.tag);
    const emails = (await db.getAll('runTags', range, MAX_TAG_EMAILS)).map(
      (v) => parseTagQueueEntry(v).email,
    );
    if (emails.length > 0) {
      const call =
        group.op === 'add'
          ? () => access.api.addTags(emails, [group.tag], { signal })
          : () => access.api.removeTags(emails, [group.tag], { signal });
      await this.#omnisend(call, signal);
    }
    await this.#tx(['runTags', 'ledger'], async (tx, run) => {
      const queue = tx.objectStore('runTags');
      const ledger = tx.objectStore('ledger');
      const done = await Promise.all(
        emails.map(async (email) => {
          const key: [string, string, string, string] = [run.id, group.op, group.tag, email];
          if ((await queue.getKey(key)) === undefined) return 0;
          await queue.delete(key);
          const ledgerKey: [string, string] = [run.exportId, email];
          const value = await ledger.get(ledgerKey);
          if (value !== undefined) {
            const entry = parseLedgerEntry(value, ledgerKey);
            const others = entry.tags.filter((t) => t !== group.tag);
            entry.tags = group.op === 'add' ? [...others, group.tag] : others;
            if (entry.pending[group.tag] === group.op) delete entry.pending[group.tag];
            await ledger.put(entry);
          }
          return 1;
        }),
      );
      const count = done.reduce<number>((a, b) => a + b, 0);
      run.counters[group.op === 'add' ? 'tagged' : 'untagged'] += count;
      if (emails.length === 0)
        run.tagQueue = run.tagQueue.filter((g) => !(g.op === group.op && g.tag === group.tag));
      else adjustTagCount(run, group.op, group.tag, -count);
    });
  }

  /** Mirror: one chunk of the ledger scan for members who left a segment and carry our tag. */
  async #scanLeavers(): Promise<void> {
    await this.#tx(['ledger', 'runTags'], async (tx, run) => {
      advanceTo(run, 'untag');
      const ledger = tx.objectStore('ledger');
      const values = await ledger.getAll(ledgerRange(run.exportId, run.untagScan.after), SCAN_CHUNK);
      const tags = run.definition.segments.map((s) => s.tag);
      const calls = [];
      const changed = [];
      for (const value of values) {
        const entry = parseLedgerEntry(value, [run.exportId, String((value as { email?: unknown }).email)]);
        const left = tags.filter((tag) => entry.seen[tag] !== run.id && mayHaveOurTag(entry, tag));
        for (const tag of left) calls.push({ entry, op: 'remove' as const, tag });
        if (left.length > 0) changed.push(entry);
      }
      await enqueueTags(tx, run, calls);
      await Promise.all(changed.map((entry) => ledger.put(entry)));
      const last = values.at(-1) as { email?: unknown } | undefined;
      run.untagScan = {
        after: last === undefined ? run.untagScan.after : String(last.email),
        done: values.length < SCAN_CHUNK,
      };
    });
  }

  /** Succeeds the run when nothing is left; false when something came up meanwhile. */
  async #finish(): Promise<boolean> {
    return this.#tx([], async (_tx, run) => {
      const mirror = run.definition.syncMode === 'mirror';
      const idle =
        run.read.done &&
        run.seq.outboxHead === run.seq.outbox &&
        run.seq.settled === run.seq.batch &&
        run.tagQueue.length === 0 &&
        (!mirror || run.untagScan.done);
      if (!idle) return false;
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

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
