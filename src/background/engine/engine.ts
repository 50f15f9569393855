import type { Clock } from '../../core/clock.ts';
import type { ExportDefinition } from '../../core/export-definition.ts';
import { fingerprintValue } from '../../core/fingerprint.ts';
import { DEFAULT_SAFETY_MARGIN, effectiveLimit } from '../../core/rate-budget.ts';
import { emptyCounters } from '../../core/run/run-counters.ts';
import { initialRunState, isTerminal, type RunError } from '../../core/run/run-state.ts';
import type { RunTrigger } from '../../core/run/run-trigger.ts';
import { Throughput } from '../../core/run/throughput.ts';
import type { UtcOffsetAt } from '../../core/schedule.ts';
import { snapshotShowsDeletions } from '../../core/snapshot/snapshot-plan.ts';
import {
  type ExportSummary,
  type RunView,
  UNDO_CREATED_LISTED,
  type UndoPlan,
} from '../../messaging/protocol.ts';
import { OmnisendError } from '../../omnisend/errors.ts';
import { needsUser, type SegmentSource } from '../../sources/segment-source.ts';
import type { SnapshotHead } from '../../storage/brand-snapshot.ts';
import { getConnection, noteConnectionUse } from '../../storage/connections.ts';
import { getExport } from '../../storage/exports.ts';
import { deleteLedgerForExports, getLedgerHead } from '../../storage/ledger.ts';
import type { Database } from '../../storage/open-database.ts';
import { deleteRunsOfExport, dropRunChanges, pruneRuns } from '../../storage/retention.ts';
import {
  getRun,
  latestRun,
  ledgerSeenAt,
  listRuns,
  listUnfinishedRuns,
  parseRunRecord,
  type RunJob,
  type RunRecord,
} from '../../storage/run-records.ts';
import { type RejectedPage, readRejectedPage } from '../../storage/run-rejected.ts';
import { getScheduleRecord } from '../../storage/run-schedules.ts';
import { parseRunChange, runRange } from '../../storage/run-work.ts';
import { isStorageFull } from '../../storage/storage-full.ts';
import {
  defaultEngineTiming,
  type EngineAlarms,
  type EngineEvent,
  type EngineTiming,
  WATCHDOG_ALARM,
} from './engine-types.ts';
import type { OmnisendAccess } from './omnisend-access.ts';
import { idleLive, progressOf, type RunLive, workOfRun } from './progress.ts';
import { apply, RunDriver } from './run-driver.ts';
import {
  isKeyProblem,
  type KeyProblemCode,
  noConnection,
  RunFailure,
  RunWaiting,
  runErrorOf,
} from './run-errors.ts';
import { abortQuietly, RunStoppedError } from './run-transaction.ts';
import { forgetSchedule, runDueSchedules } from './scheduler.ts';

export interface EngineDeps {
  db: Database;
  clock: Clock;
  /** The budgeted Omnisend API of a connection (see createOmnisendAccess); null: no connection. */
  omnisendFor(connectionId: string): Promise<OmnisendAccess | null>;
  /** Stores the brands' rate budgets (createOmnisendAccess's persistBudgets); called every heartbeat. */
  persistBudgets?(): Promise<void>;
  sourceFor(sourceId: string): Promise<SegmentSource | undefined>;
  /**
   * Brings the brand snapshot of a connection up to date (issue #16) before a run reads: the
   * planner and drift repair go by it. Null, or a failure, leaves the run without (tags go through
   * the tag lane, nothing is repaired).
   */
  snapshotFor?(connectionId: string, signal: AbortSignal): Promise<SnapshotHead | null>;
  /** The contacts read so far by the brand's snapshot listing under way (BrandSnapshots.reading). */
  snapshotReading?(brandId: string): number | null;
  alarms: EngineAlarms;
  notify(event: EngineEvent): void;
  /** Minutes east of UTC at an instant, for daily schedules; default: the system's time zone. */
  utcOffsetAt?: UtcOffsetAt;
  newId?(): string;
  timing?: Partial<EngineTiming>;
  /**
   * True in the browser: an extension has at most one service worker running, so a lease held by
   * another owner belongs to a worker that was stopped and is taken over at once instead of
   * after it expires. Tests that run several engines on one database leave it false.
   */
  soleWorker?: boolean;
}

/**
 * Tags an export stopped using, to take back from the contacts this extension gave them to.
 * `definition` is the export as it was: its connection is the brand the tags went to.
 */
export interface RetireRequest {
  definition: ExportDefinition;
  tags: readonly string[];
}

export interface StartRunOptions {
  /** Send every contact, changed or not (DESIGN.md §4 "Full resync"). */
  fullResync?: boolean;
}

/** The export engine as the worker uses it. Every method is safe to call at any time. */
export interface Engine {
  /**
   * Queues a run and starts working on it; returns its id. While the export has a queued or
   * running run, returns that run's id instead. Throws if the export does not exist.
   */
  startRun(exportId: string, trigger: RunTrigger, options?: StartRunOptions): Promise<string>;
  /**
   * Cancels a queued or running run; false if it had already ended. Its work in this worker is
   * stopped first and waited for, so nothing more is sent for it once this returns. `reason`
   * says why when it was not the user (History shows it).
   */
  cancel(runId: string, reason?: RunError): Promise<boolean>;
  /**
   * Cancels every unfinished run that sends through a connection (before its key goes or changes).
   * `keepWaitingForKey`: runs that wait because Omnisend refused the key are stopped, not canceled
   * – a new key is what they wait for, and `resume()` goes on with them once it is saved.
   */
  cancelRunsUsing(
    connectionId: string,
    reason: RunError,
    options?: { keepWaitingForKey?: boolean },
  ): Promise<void>;
  /** Continues every unfinished run: call at every worker start and on the watchdog alarm. */
  resume(): Promise<void>;
  progress(runId: string): Promise<RunView | null>;
  /** Queued and running runs. */
  activeRuns(): Promise<RunView[]>;
  /** Runs, newest first; of one export when given. */
  listRuns(exportId?: string): Promise<RunView[]>;
  /** Page `page` (from 0, 100 rows each) of a run's rejected rows. */
  rejectedRows(runId: string, page: number): Promise<RejectedPage>;
  /** On the schedule alarm (and at worker start): starts due runs, arms the next alarm. */
  onScheduleAlarm(): Promise<void>;
  /** For the export list (RunFacts in export-service.ts). */
  lastRun(exportId: string): Promise<ExportSummary['lastRun']>;
  nextRunAt(exportId: string): Promise<number | null>;
  /**
   * After an export was saved or removed: schedules follow; a removed export's runs are canceled,
   * then deleted with their batch logs and rejected rows, and its ledger deleted. With `retire`,
   * a run of its own (job `retire`) takes those tags back – after any run of the export going on;
   * a removed export's ledger then goes when that run ends.
   */
  exportChanged(exportId: string, removed: boolean, retire?: RetireRequest): Promise<void>;
  /** What Undo of a run would do, or why it is not offered. */
  undoPlan(runId: string): Promise<UndoPlan>;
  /** Starts a run taking back a run's tag changes; throws RunFailure('undo-unavailable'). */
  undo(runId: string): Promise<string>;
  /** Resolves when this engine works on no run (tests; the worker may use it to log). */
  idle(): Promise<void>;
}

const defaultRates = {
  default: effectiveLimit(400, DEFAULT_SAFETY_MARGIN),
  tags: effectiveLimit(60, DEFAULT_SAFETY_MARGIN),
};

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
  /** Set once the run started on its connection: the brand's pace and the pace measured. */
  live?: RunLive;
  /** Work units done at the last heartbeat, to tell whether the run moved since. */
  lastDone?: number;
}

export function createEngine(deps: EngineDeps): Engine {
  const { db, clock } = deps;
  const timing: EngineTiming = { ...defaultEngineTiming, ...deps.timing };
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const owner = newId();
  const active = new Map<string, ActiveRun>();
  /** Runs being canceled: nothing may start them again meanwhile. */
  const stopping = new Set<string>();
  const utcOffsetAt: UtcOffsetAt = deps.utcOffsetAt ?? ((at) => -new Date(at).getTimezoneOffset());

  const progress = (run: RunRecord) =>
    progressOf(run, active.get(run.id)?.live ?? idleLive(defaultRates), clock.now());

  function unfinishedRuns(): Promise<RunRecord[]> {
    return listUnfinishedRuns(db);
  }

  async function armWatchdog(): Promise<void> {
    await deps.alarms.set(WATCHDOG_ALARM, clock.now() + timing.watchdogMs);
  }

  /** Takes the run's lease unless another live worker holds it; returns the run when taken. */
  async function takeLease(runId: string): Promise<RunRecord | { busyUntil: number } | null> {
    const tx = db.transaction('runs', 'readwrite');
    try {
      const value = await tx.store.get(runId);
      if (value === undefined) return null;
      const run = parseRunRecord(runId, value);
      if (isTerminal(run.status)) return null;
      const now = clock.now();
      if (run.lease && run.lease.owner !== owner && run.lease.until > now && !deps.soleWorker)
        return { busyUntil: run.lease.until };
      run.lease = { owner, until: now + timing.leaseMs };
      // Another try: if the user has not acted yet, the source says so again.
      run.waiting = null;
      await tx.store.put(run);
      await tx.done;
      return run;
    } finally {
      await tx.done.catch(() => undefined);
    }
  }

  /** Ends a run that could not go on; quietly does nothing if it already ended or is not ours. */
  async function endRun(runId: string, change: (run: RunRecord) => boolean): Promise<RunRecord | null> {
    const tx = db.transaction(['runs', 'runOutbox', 'runTags'], 'readwrite');
    try {
      const value = await tx.objectStore('runs').get(runId);
      if (value === undefined) return null;
      const run = parseRunRecord(runId, value);
      if (isTerminal(run.status) || !change(run)) {
        abortQuietly(tx);
        return null;
      }
      run.finishedAt = clock.now();
      run.updatedAt = run.finishedAt;
      run.lease = null;
      // Queued work goes; the ledger's pending marks make the next run redo what may be half done.
      run.tagQueue = [];
      await Promise.all([
        tx.objectStore('runs').put(run),
        tx.objectStore('runOutbox').delete(runRange(runId)),
        tx.objectStore('runTags').delete(runRange(runId)),
      ]);
      await tx.done;
      return run;
    } finally {
      await tx.done.catch(() => undefined);
    }
  }

  async function fail(runId: string, error: unknown): Promise<void> {
    const runError = runErrorOf(error);
    const ended = await endRun(runId, (run) => {
      if (run.lease !== null && run.lease.owner !== owner) return false;
      apply(run, { type: 'fail', error: runError });
      return true;
    });
    if (ended) await afterRunEnded(ended);
    if (ended) deps.notify({ type: 'run-finished', run: progress(ended) });
  }

  /**
   * Omnisend refused the connection's key: the connection needs attention (Connections and the
   * popup say so), and the run waits for a new key instead of failing – saving one resumes it.
   */
  async function needKey(runId: string, code: KeyProblemCode): Promise<void> {
    const run = await getRun(db, runId);
    const connectionId = run?.definition.connectionId ?? null;
    if (connectionId === null) return;
    await noteConnectionUse(db, connectionId, { problem: { code, at: clock.now() } });
    const name = (await getConnection(db, connectionId))?.displayName;
    const waiting = await wait(runId, new RunWaiting({ code, ...(name ? { params: { name } } : {}) }));
    if (waiting) deps.notify({ type: 'run-needs-attention', run: progress(waiting) });
  }

  /** A run waiting for a new key whose connection has none yet: trying again would only be refused. */
  async function waitsForKey(runId: string): Promise<boolean> {
    const run = await getRun(db, runId);
    const connectionId = run?.definition.connectionId ?? null;
    if (!run || connectionId === null || !isKeyProblem(run.waiting?.code)) return false;
    return ((await getConnection(db, connectionId))?.problem ?? null) !== null;
  }

  /** Pauses a run until the user acts; the watchdog (and `resume()`) try it again. */
  async function wait(runId: string, waiting: RunWaiting): Promise<RunRecord | null> {
    const tx = db.transaction('runs', 'readwrite');
    try {
      const value = await tx.store.get(runId);
      if (value === undefined) return null;
      const run = parseRunRecord(runId, value);
      if (isTerminal(run.status) || (run.lease !== null && run.lease.owner !== owner)) return null;
      run.waiting = waiting.waiting;
      run.lease = null;
      run.updatedAt = clock.now();
      await tx.store.put(run);
      await tx.done;
      deps.notify({ type: 'run-progress', run: progress(run) });
      return run;
    } finally {
      await tx.done.catch(() => undefined);
    }
  }

  /** Checks what a run needs before it starts (DESIGN.md §5), then marks it running. */
  async function start(run: RunRecord): Promise<OmnisendAccess> {
    const { connectionId } = run.definition;
    if (connectionId === null) throw noConnection();
    const access = await deps.omnisendFor(connectionId);
    if (access === null) throw noConnection();
    if (run.status === 'running') return access;
    // A run taking tags back reads no segment: its total is unknown until its scan has queued them.
    let total: number | null = run.job.kind === 'export' ? 0 : null;
    for (const segment of run.job.kind === 'export' ? run.definition.segments : []) {
      const source = await deps.sourceFor(segment.sourceId);
      if (source === undefined) {
        throw new RunFailure('source-missing', { name: segment.displayName });
      }
      const info = await source.listSegments().catch((error: unknown) => {
        // A sign-in that expired before the run began waits for the user, as one mid-run does.
        if (needsUser(error)) throw new RunWaiting({ code: error.code });
        throw new RunFailure('source-unreadable', { name: segment.displayName });
      });
      const count = info.find((s) => s.id === segment.segmentId)?.memberCount;
      total = total === null || count === undefined || count === null ? null : total + count;
    }
    const tx = db.transaction('runs', 'readwrite');
    const current = parseRunRecord(run.id, await tx.store.get(run.id));
    if (current.status !== 'queued' || current.lease?.owner !== owner) {
      abortQuietly(tx);
      await tx.done.catch(() => undefined);
      throw new RunStoppedError('not-running');
    }
    apply(current, { type: 'start' });
    current.startedAt = clock.now();
    current.movedAt = current.startedAt;
    current.total = total;
    current.lease = { owner, until: clock.now() + timing.leaseMs };
    await tx.store.put(current);
    await tx.done;
    await noteConnectionUse(db, connectionId, { lastUsedAt: current.startedAt });
    return access;
  }

  /**
   * Renews the lease, keeps the watchdog ahead, stores the budgets and reports progress. If that
   * fails (storage gone) the run stops here; its lease runs out and the watchdog resumes it.
   */
  async function heartbeat(runId: string, signal: AbortSignal): Promise<void> {
    try {
      await beat(runId, signal);
    } catch (error) {
      active.get(runId)?.controller.abort(error);
    }
  }

  async function beat(runId: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await clock.sleep(timing.heartbeatMs, signal).catch(() => undefined);
      if (signal.aborted) return;
      await armWatchdog();
      const tx = db.transaction('runs', 'readwrite');
      const value = await tx.store.get(runId);
      const run = value === undefined ? undefined : parseRunRecord(runId, value);
      if (run === undefined || run.status !== 'running' || run.lease?.owner !== owner) {
        abortQuietly(tx);
        await tx.done.catch(() => undefined);
        active.get(runId)?.controller.abort(new RunStoppedError('lease-lost'));
        return;
      }
      run.lease = { owner, until: clock.now() + timing.leaseMs };
      const entry = active.get(runId);
      const { done } = workOfRun(run);
      if (entry?.lastDone !== undefined && done !== entry.lastDone) run.movedAt = clock.now();
      if (entry) entry.lastDone = done;
      entry?.live?.throughput?.add(clock.now(), done);
      await tx.store.put(run);
      await tx.done;
      await deps.persistBudgets?.();
      deps.notify({ type: 'run-progress', run: progress(run) });
    }
  }

  /**
   * Whether an earlier unfinished run of the same export must end first: runs of one export share
   * its ledger, so they go one after another (a retire run waits for the export run before it).
   */
  async function waitsForEarlier(runId: string): Promise<boolean> {
    const runs = await unfinishedRuns();
    const run = runs.find((r) => r.id === runId);
    if (run === undefined) return false;
    return runs.some(
      (r) =>
        r.exportId === run.exportId &&
        r.id !== run.id &&
        (r.createdAt < run.createdAt || (r.createdAt === run.createdAt && r.id < run.id)),
    );
  }

  async function brandSnapshot(
    connectionId: string | null,
    signal: AbortSignal,
  ): Promise<SnapshotHead | null> {
    if (connectionId === null || deps.snapshotFor === undefined) return null;
    try {
      return await deps.snapshotFor(connectionId, signal);
    } catch (error) {
      signal.throwIfAborted();
      // The run goes on the way it did before snapshots: the snapshot is an optimisation.
      void error;
      return null;
    }
  }

  async function drive(runId: string, entry: ActiveRun): Promise<void> {
    const { signal } = entry.controller;
    const beat = new AbortController();
    try {
      // Launched again when the run before it ends (launch); the watchdog covers a stopped worker.
      if (await waitsForEarlier(runId)) return;
      if (await waitsForKey(runId)) return;
      const taken = await takeLease(runId);
      if (taken === null) return;
      if ('busyUntil' in taken) {
        // Another worker held it lately; the watchdog looks again once its lease ran out.
        await deps.alarms.set(WATCHDOG_ALARM, Math.max(taken.busyUntil, clock.now()) + 1);
        return;
      }
      await armWatchdog();
      const access = await start(taken);
      const { connectionId } = taken.definition;
      // While the snapshot is brought up to date, the run says so, and how far the listing got.
      let listing = connectionId !== null && deps.snapshotFor !== undefined;
      entry.live = {
        ratePerMinute: access.ratePerMinute,
        throughput: new Throughput(),
        rateLimitWaitMs: () => access.rateLimitWaitMs(),
        omnisendRead: () => (listing ? (deps.snapshotReading?.(access.brandId) ?? 0) : null),
      };
      const started = await getRun(db, runId);
      if (started) deps.notify({ type: 'run-progress', run: progress(started) });
      const beating = heartbeat(runId, AbortSignal.any([signal, beat.signal]));
      try {
        const snapshot = await brandSnapshot(connectionId, signal).finally(() => {
          listing = false;
        });
        const showsDeletions = snapshotShowsDeletions(
          snapshot?.fullListedAt ?? null,
          await ledgerSeenAt(db, taken.exportId, runId),
        );
        await new RunDriver(
          { db, clock, owner, timing, access, sourceFor: deps.sourceFor, snapshot, showsDeletions },
          runId,
        ).run(signal);
      } finally {
        beat.abort();
        await beating.catch(() => undefined);
      }
      const finished = await getRun(db, runId);
      if (finished && isTerminal(finished.status)) await afterRunEnded(finished);
      if (finished?.status === 'succeeded' && finished.definition.connectionId !== null)
        await noteConnectionUse(db, finished.definition.connectionId, { problem: null });
      if (finished && isTerminal(finished.status))
        deps.notify({ type: 'run-finished', run: progress(finished) });
    } catch (thrown) {
      // A heartbeat that could not write stops the run with the reason as the abort's.
      const error = signal.aborted && isStorageFull(signal.reason) ? signal.reason : thrown;
      if (error instanceof RunStoppedError || (signal.aborted && !isStorageFull(error))) return;
      if (error instanceof RunWaiting) {
        await wait(runId, error).catch(() => undefined);
        return;
      }
      if (error instanceof OmnisendError && isKeyProblem(error.code)) {
        await needKey(runId, error.code).catch(() => undefined);
        return;
      }
      // If even recording the failure fails, the lease runs out and the watchdog tries again.
      await fail(runId, error).catch((failure: unknown) => {
        if (isStorageFull(error) || isStorageFull(failure)) deps.notify({ type: 'storage-full' });
      });
    } finally {
      await deps.persistBudgets?.().catch(() => undefined);
    }
  }

  /** A removed export keeps its ledger only for the run taking its tags back: gone once that ended. */
  async function afterRunEnded(run: RunRecord): Promise<void> {
    if ((await getExport(db, run.exportId)) === undefined) await deleteLedgerForExports(db, [run.exportId]);
  }

  /** Starts the next queued run of an export once the one before it ended (waitsForEarlier). */
  async function launchNextOf(exportId: string): Promise<void> {
    const next = (await unfinishedRuns()).filter((run) => run.exportId === exportId).at(-1);
    if (next) launch(next.id);
  }

  async function clearWatchdogWhenIdle(): Promise<void> {
    if (active.size === 0 && (await unfinishedRuns()).length === 0) await deps.alarms.clear(WATCHDOG_ALARM);
  }

  function launch(runId: string): void {
    if (active.has(runId) || stopping.has(runId)) return;
    const entry: ActiveRun = { controller: new AbortController(), done: Promise.resolve() };
    active.set(runId, entry);
    entry.done = drive(runId, entry)
      .finally(async () => {
        active.delete(runId);
        const run = await getRun(db, runId);
        if (run && isTerminal(run.status)) await launchNextOf(run.exportId);
        await clearWatchdogWhenIdle();
      })
      // Nothing waits on a run's promise but idle(); the watchdog covers whatever went wrong here.
      .catch(() => undefined);
  }

  /** After a new run was stored: older runs can no longer be undone; History keeps to its setting. */
  async function queued(run: RunRecord): Promise<string> {
    const { job } = run;
    await dropRunChanges(db, run.exportId, job.kind === 'undo' ? [run.id, job.runId] : [run.id]);
    // History keeps to its retention setting as runs come (the worker's start sweeps the rest).
    await pruneRuns(db, run.exportId, clock.now());
    await armWatchdog();
    deps.notify({ type: 'run-progress', run: progress(run) });
    launch(run.id);
    return run.id;
  }

  async function putRun(run: RunRecord): Promise<string> {
    await db.put('runs', run);
    return queued(run);
  }

  /**
   * The tags of `asked` the export's ledger may have given someone: those its base names, and all
   * of them while a run of the export goes on (its log is not folded into the base yet).
   */
  async function tagsToRetire(exportId: string, asked: readonly string[]): Promise<string[]> {
    const unique = [...new Set(asked)];
    if ((await unfinishedRuns()).some((run) => run.exportId === exportId)) return unique;
    const known = new Set((await getLedgerHead(db, exportId))?.tags ?? []);
    return unique.filter((tag) => known.has(tag));
  }

  async function undoPlan(runId: string): Promise<UndoPlan & { run?: RunRecord }> {
    const run = await getRun(db, runId);
    if (run === undefined || run.job.kind !== 'export') return { available: false, reason: 'not-undoable' };
    if (!isTerminal(run.status)) return { available: false, reason: 'not-ended' };
    if ((await latestRun(db, run.exportId))?.id !== run.id) return { available: false, reason: 'not-last' };
    const definition = await getExport(db, run.exportId);
    if (definition?.connectionId !== run.definition.connectionId)
      return { available: false, reason: 'connection-changed' };
    const { tagged, untagged } = run.counters;
    if (tagged + untagged === 0) return { available: false, reason: 'nothing-changed' };
    // Runs recorded before version 5 kept no changes.
    if ((await db.count('runChanges', runRange(runId))) === 0)
      return { available: false, reason: 'not-undoable' };
    const createdEmails: string[] = [];
    let created = 0;
    let cursor = await db.transaction('runChanges').store.openCursor(runRange(runId));
    while (cursor) {
      const change = parseRunChange(cursor.value);
      if (change.op === 'create') {
        created += change.emails.length;
        createdEmails.push(...change.emails.slice(0, UNDO_CREATED_LISTED - createdEmails.length));
      }
      cursor = await cursor.continue();
    }
    return { available: true, added: tagged, removed: untagged, created, createdEmails, run };
  }

  /** Stops a run's work here and cancels it, unless `keep` says the stopped run stays. */
  async function cancelRun(
    runId: string,
    reason: RunError | undefined,
    keep?: (run: RunRecord) => boolean,
  ): Promise<boolean> {
    stopping.add(runId);
    try {
      const entry = active.get(runId);
      if (entry) {
        entry.controller.abort(new RunStoppedError('not-running'));
        await entry.done;
      }
      const ended = await endRun(runId, (run) => {
        if (keep?.(run)) return false;
        apply(run, reason ? { type: 'cancel', reason } : { type: 'cancel' });
        return true;
      });
      if (ended) {
        await afterRunEnded(ended);
        deps.notify({ type: 'run-finished', run: progress(ended) });
        await launchNextOf(ended.exportId);
      }
      await clearWatchdogWhenIdle();
      return ended !== null;
    } finally {
      stopping.delete(runId);
    }
  }

  const engine: Engine = {
    async startRun(exportId, trigger, options = {}) {
      const definition = await getExport(db, exportId);
      if (!definition) throw new RunFailure('export-missing');
      const tx = db.transaction('runs', 'readwrite');
      const byStatus = tx.store.index('byStatus');
      const unfinished = [...(await byStatus.getAll('queued')), ...(await byStatus.getAll('running'))];
      const existing = unfinished
        .map((v) => parseRunRecord(String((v as { id?: unknown }).id), v))
        .find((run) => run.exportId === exportId);
      if (existing) {
        await tx.done;
        launch(existing.id);
        return existing.id;
      }
      const run = newRun(newId(), definition, trigger, options.fullResync === true, clock.now());
      await tx.store.put(run);
      await tx.done;
      return queued(run);
    },

    cancel(runId, reason) {
      return cancelRun(runId, reason);
    },

    async cancelRunsUsing(connectionId, reason, options = {}) {
      // Stopped first either way, so nothing is sent with the old key once this returns.
      const keep = options.keepWaitingForKey
        ? (run: RunRecord) => isKeyProblem(run.waiting?.code)
        : undefined;
      for (const run of await unfinishedRuns())
        if (run.definition.connectionId === connectionId) await cancelRun(run.id, reason, keep);
    },

    async resume() {
      const runs = await unfinishedRuns();
      if (runs.length === 0) return;
      // Arm the next wake-up before the work, so a worker stopped during it still comes back.
      await armWatchdog();
      for (const run of runs) launch(run.id);
    },

    async progress(runId) {
      const run = await getRun(db, runId);
      return run ? progress(run) : null;
    },

    async activeRuns() {
      return (await unfinishedRuns()).map(progress);
    },

    async listRuns(exportId) {
      return (await listRuns(db, exportId)).map(progress);
    },

    rejectedRows(runId, page) {
      return readRejectedPage(db, runId, page);
    },

    async onScheduleAlarm() {
      await runDueSchedules({
        db,
        now: clock.now(),
        utcOffsetAt,
        refreshPollMs: timing.refreshPollMs,
        alarms: deps.alarms,
        sourceFor: deps.sourceFor,
        startRun: (exportId, trigger) => engine.startRun(exportId, trigger),
      });
    },

    async lastRun(exportId) {
      const run = await latestRun(db, exportId);
      return run
        ? {
            id: run.id,
            status: run.status,
            finishedAt: run.finishedAt,
            counts: { ...run.counters },
            error: run.error,
          }
        : null;
    },

    async nextRunAt(exportId) {
      return (await getScheduleRecord(db, exportId))?.nextDueAt ?? null;
    },

    async exportChanged(exportId, removed, retire) {
      if (removed)
        for (const run of await listRuns(db, exportId))
          if (!isTerminal(run.status)) await engine.cancel(run.id);
      const tags = retire ? await tagsToRetire(exportId, retire.tags) : [];
      if (removed) {
        await forgetSchedule(db, exportId);
        if (tags.length === 0) await deleteLedgerForExports(db, [exportId]);
        await deleteRunsOfExport(db, exportId);
      }
      if (retire !== undefined && tags.length > 0) {
        const job: RunJob = { kind: 'retire', tags };
        await putRun(newRun(newId(), retire.definition, 'manual', false, clock.now(), job));
      }
      await engine.onScheduleAlarm();
    },

    async undoPlan(runId) {
      const { run: _, ...plan } = await undoPlan(runId);
      return plan;
    },

    async undo(runId) {
      const plan = await undoPlan(runId);
      if (!plan.available || plan.run === undefined) throw new RunFailure('undo-unavailable');
      const job: RunJob = { kind: 'undo', runId };
      return putRun(newRun(newId(), plan.run.definition, 'manual', false, clock.now(), job));
    },

    async idle() {
      while (active.size > 0) await Promise.all([...active.values()].map((entry) => entry.done));
    },
  };
  return engine;
}

/** A queued run of `definition`, as the engine stores it when the run is started. */
export function newRun(
  id: string,
  definition: ExportDefinition,
  trigger: RunTrigger,
  fullResync: boolean,
  now: number,
  job: RunJob = { kind: 'export' },
): RunRecord {
  // A run that only takes tags back reads no segment: its work comes from a scan.
  const tagOnly = job.kind !== 'export';
  return {
    id,
    exportId: definition.id,
    trigger,
    job,
    fullResync,
    definition,
    mappingVersion: fingerprintValue(definition.mapping),
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    movedAt: null,
    ...initialRunState,
    waiting: null,
    counters: emptyCounters(),
    problems: [],
    total: null,
    read: { segment: 0, cursor: null, done: tagOnly },
    untagScan: { chunk: 0, done: false },
    seq: {
      outbox: 0,
      outboxHead: 0,
      outboxItems: 0,
      batch: 0,
      settled: 0,
      rejected: 0,
      tagChunk: 0,
      changes: 0,
    },
    tagQueue: [],
    lease: null,
    support: { batchIds: [], requestIds: [] },
  };
}
