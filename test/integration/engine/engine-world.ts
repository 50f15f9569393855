import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { createWorker, type WorkerTuning } from '../../../src/background/create-worker.ts';
import type { Engine } from '../../../src/background/engine/engine.ts';
import type { EngineTiming } from '../../../src/background/engine/engine-types.ts';
import { WATCHDOG_ALARM } from '../../../src/background/engine/engine-types.ts';
import type { Clock } from '../../../src/core/clock.ts';
import { systemClock } from '../../../src/core/clock.ts';
import type { ExportDefinition, ExportSegment } from '../../../src/core/export-definition.ts';
import type { Mapping } from '../../../src/core/mapping/mapping.ts';
import { isTerminal } from '../../../src/core/run/run-state.ts';
import type { RunView } from '../../../src/messaging/protocol.ts';
import type { SegmentSource } from '../../../src/sources/segment-source.ts';
import { putConnection } from '../../../src/storage/connections.ts';
import { putExport } from '../../../src/storage/exports.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import {
  type OmnisendSandbox,
  type SandboxContact,
  startOmnisendSandbox,
} from '../../sandbox/omnisend/index.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { MemorySource } from '../../support/memory-source.ts';
import { plainVault } from '../../support/plain-vault.ts';

/**
 * One browser profile for engine tests: its own IndexedDB (fake-indexeddb), a memory source and
 * an Omnisend sandbox at time scale 60 (a minute of rate limits per second). Workers come and go
 * on the same database, each built by `createWorker` as the browser builds it; `kill()` stops one
 * the way Chrome does – nothing of it runs any more: its pending requests and timers never settle
 * and its database connection closes.
 */

export const SOURCE_ID = 'memory';
export const WINDOW_MS = 1000;
export const testTiming: Partial<EngineTiming> = {
  leaseMs: 400,
  heartbeatMs: 100,
  watchdogMs: 30_000,
  pollIntervalMs: 40,
  sourceRetryMs: 20,
};

/** Worker tuning for tests against the Omnisend sandbox: its backoff scaled like the sandbox's clock (500 ms and 30 s at time scale 1). */
export const testTuning = {
  engine: { timing: testTiming },
  omnisend: { windowMs: WINDOW_MS, retryPolicy: { baseDelayMs: 10, maxDelayMs: 500 } },
} satisfies WorkerTuning;

export const defaultMapping: Mapping = {
  email: 'Email',
  firstName: 'FirstName',
  lastName: 'LastName',
  city: 'City',
};

export interface Worker {
  engine: Engine;
  /** What the worker does at every start (createWorker's catchUp). */
  catchUp(): Promise<void>;
  /** Sends a message as the options page does. */
  ask: ReturnType<typeof askAs>;
  db: Database;
  alarms: Map<string, number>;
  /** Notifications this worker showed. */
  notified: { id: string; title: string; message: string }[];
  /** Requests this worker sent to Omnisend. */
  requests(): number;
  /** Stops the worker now, or as its `n`-th request goes out (`afterEffect`: once Omnisend took it). */
  kill(): void;
  killAtRequest(n: number, afterEffect: boolean): void;
  killAfterMs(ms: number): void;
  /** Takes back a kill armed with killAtRequest or killAfterMs. */
  disarm(): void;
  readonly killed: boolean;
  /** Resolves when the worker is killed. */
  readonly whenKilled: Promise<void>;
}

export interface World {
  sandbox: OmnisendSandbox;
  source: MemorySource;
  connectionId: string;
  /** `soleWorker`: true makes it take over runs at once, as the browser's one worker does. */
  startWorker(options?: { clock?: Clock; soleWorker?: boolean }): Promise<Worker>;
  /** Saves an export (id `export-<name>`) over the default connection. */
  saveExport(overrides: Partial<ExportDefinition> & { name: string }): Promise<ExportDefinition>;
  close(): Promise<void>;
}

export async function createWorld(
  options: {
    pageSize?: number;
    seed?: number;
    sandbox?: OmnisendSandbox;
    /** Sources besides the memory source, by id (a Customer Insights source over its sandbox). */
    sources?: ReadonlyMap<string, SegmentSource>;
  } = {},
): Promise<World> {
  const factory = new IDBFactory();
  const sandbox =
    options.sandbox ??
    (await startOmnisendSandbox({ timeScale: 60, seed: options.seed ?? 1, batchProcessingDelayMs: 15 }));
  const source = new MemorySource({ pageSize: options.pageSize ?? 250 });
  const workers: Worker[] = [];
  const open = () => {
    // openDatabase() uses the global factory; each world has its own profile.
    globalThis.indexedDB = factory;
    return openDatabase();
  };
  const setupDb = await open();
  const connectionId = 'connection-1';
  await putConnection(setupDb, {
    id: connectionId,
    displayName: 'Sandbox brand',
    shareWith: 'administrators',
    brand: { id: sandbox.brandId, name: 'Sandbox' },
    keyHint: '••••test',
    consent: { agreedAt: 1, statementVersion: '1' },
    createdAt: 1,
    lastUsedAt: null,
    problem: null,
  });
  await plainVault(setupDb).put(connectionId, sandbox.apiKey);

  return {
    sandbox,
    source,
    connectionId,
    async startWorker({ clock = systemClock, soleWorker = false } = {}) {
      const db = await open();
      let killed = false;
      let sent = 0;
      let killAt: { n: number; afterEffect: boolean } | null = null;
      const never = new Promise<never>(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      let onKilled: (() => void) | undefined;
      const whenKilled = new Promise<void>((resolve) => {
        onKilled = resolve;
      });
      const kill = () => {
        if (killed) return;
        killed = true;
        clearTimeout(timer);
        db.close();
        onKilled?.();
      };
      const fetchFn: typeof fetch = async (input, init) => {
        if (killed) return never;
        sent++;
        if (killAt && sent >= killAt.n && !killAt.afterEffect) {
          kill();
          return never;
        }
        const response = await sandbox.fetch(input, init);
        if (killAt && sent >= killAt.n) kill();
        return killed ? never : response;
      };
      const workerClock: Clock = {
        now: () => clock.now(),
        sleep: (ms, signal) =>
          killed ? never : clock.sleep(ms, signal).then(() => (killed ? never : undefined)),
      };
      const platform = fakePlatform({ openDatabase: async () => db, fetch: fetchFn, clock: workerClock });
      const created = createWorker(platform, {
        ...testTuning,
        engine: { ...testTuning.engine, soleWorker },
        sources: new Map<string, SegmentSource>([[SOURCE_ID, source], ...(options.sources ?? [])]),
      });
      const engine = await created.engine();
      const worker: Worker = {
        engine,
        catchUp: () => created.catchUp(),
        ask: askAs(created),
        db,
        alarms: platform.armed,
        notified: platform.notified,
        requests: () => sent,
        kill,
        killAtRequest: (n, afterEffect) => {
          killAt = { n, afterEffect };
        },
        killAfterMs: (ms) => {
          timer = setTimeout(kill, ms);
        },
        disarm: () => {
          killAt = null;
          clearTimeout(timer);
        },
        whenKilled,
        get killed() {
          return killed;
        },
      };
      workers.push(worker);
      return worker;
    },
    async saveExport(overrides) {
      const segments: ExportSegment[] = overrides.segments ?? [
        { sourceId: SOURCE_ID, segmentId: 'vip', displayName: 'VIP', tag: 'VIP' },
      ];
      const definition: ExportDefinition = {
        id: `export-${overrides.name}`,
        connectionId,
        mapping: defaultMapping,
        syncMode: 'mirror',
        schedule: { kind: 'manual' },
        createdAt: 1,
        updatedAt: 1,
        ...overrides,
        segments,
      };
      await putExport(setupDb, definition);
      return definition;
    },
    async close() {
      for (const worker of workers) worker.kill();
      setupDb.close();
      if (!options.sandbox) await sandbox.close();
    },
  };
}

/**
 * Runs a run to its end across worker deaths: resume, wait until this worker is idle, and if the
 * run is unfinished (its lease still held by a dead worker) wait for the watchdog and resume again.
 */
export async function runToEnd(worker: Worker, runId: string): Promise<RunView> {
  for (let round = 0; round < 200; round++) {
    await worker.engine.resume();
    await worker.engine.idle();
    const progress = await worker.engine.progress(runId);
    if (progress === null) throw new Error(`run ${runId} is gone`);
    if (isTerminal(progress.status)) {
      await worker.engine.idle();
      return progress;
    }
    if (worker.killed) throw new Error('the worker was killed; start another');
    const wake = worker.alarms.get(WATCHDOG_ALARM) ?? Date.now() + 50;
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(10, wake - Date.now()))));
  }
  throw new Error(`run ${runId} did not end`);
}

/** A contact as compared between runs: what a marketer sees in Omnisend. */
export function contactView(contact: SandboxContact) {
  return {
    email: contact.email,
    firstName: contact.firstName,
    lastName: contact.lastName,
    city: contact.city,
    status: contact.status,
    tags: [...contact.tags].sort(),
  };
}

export function omnisendState(sandbox: OmnisendSandbox) {
  return sandbox.inspect
    .contacts()
    .map(contactView)
    .sort((a, b) => (a.email < b.email ? -1 : 1));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
