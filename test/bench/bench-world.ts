import { IDBFactory } from 'fake-indexeddb';
import { createWorker } from '../../src/background/create-worker.ts';
import type { Engine } from '../../src/background/engine/engine.ts';
import type { EngineTiming } from '../../src/background/engine/engine-types.ts';
import { type Clock, systemClock } from '../../src/core/clock.ts';
import { isTerminal } from '../../src/core/run/run-state.ts';
import type { RunView } from '../../src/messaging/protocol.ts';
import { putConnection } from '../../src/storage/connections.ts';
import { putExport } from '../../src/storage/exports.ts';
import { type Database, openDatabase } from '../../src/storage/open-database.ts';
import { defaultMapping, range, SOURCE_ID, testTiming } from '../integration/engine/engine-world.ts';
import { fakePlatform } from '../support/fake-platform.ts';
import { MemorySource } from '../support/memory-source.ts';
import { plainVault } from '../support/plain-vault.ts';
import type { RemoteSandbox } from './remote-sandbox.ts';

/**
 * One browser profile for the bench, set up as test/integration/engine/engine-world.ts does (its
 * own fake-indexeddb factory, a connection, one export of one segment from a MemorySource, the
 * worker built by createWorker with the real budgeted Omnisend client) – plus meters: requests and time in flight per
 * endpoint class as the engine sends them, and time spent waiting for the rate budget.
 */

export const EXPORT_ID = 'export-bench';
export const SEGMENT_ID = 'vip';
const CONNECTION_ID = 'connection-1';

export type EndpointClass = 'default' | 'tags';

/** Wall time during which at least one of several overlapping activities was going on. */
export class BusyTime {
  #active = 0;
  #since = 0;
  #total = 0;

  enter(): void {
    if (this.#active++ === 0) this.#since = performance.now();
  }

  leave(): void {
    if (--this.#active === 0) this.#total += performance.now() - this.#since;
  }

  get ms(): number {
    return this.#total + (this.#active > 0 ? performance.now() - this.#since : 0);
  }
}

export interface Meter {
  requests: Record<EndpointClass, number>;
  /** Time with at least one request to Omnisend in flight. */
  inFlight: BusyTime;
  /** Time with at least one caller waiting for the brand's rate budget (or a retry backoff). */
  budgetWait: BusyTime;
}

export interface RunResult {
  progress: RunView;
  ms: number;
  requests: Record<EndpointClass, number>;
  inFlightMs: number;
  budgetWaitMs: number;
}

export interface BenchWorldOptions {
  sandbox: RemoteSandbox;
  /** 60: the sandbox's minute is a second. */
  timeScale: number;
  /** false: the engine's budget as good as unlimited (pair with an unlimited sandbox). */
  limited: boolean;
  contacts: number;
  pageSize: number;
}

export interface BenchWorld {
  source: MemorySource;
  db: Database;
  engine: Engine;
  run(options?: { fullResync?: boolean }): Promise<RunResult>;
  /** Wall time of the last run, ms. */
  readonly lastRunMs: number;
  close(): void;
}

/** The engine timing of the integration tests (made for ×60), stretched to another time scale. */
export function timingAt(timeScale: number): Partial<EngineTiming> {
  const scaled: Partial<EngineTiming> = {};
  for (const [name, ms] of Object.entries(testTiming) as [keyof EngineTiming, number][]) {
    scaled[name] = Math.round((ms * 60) / timeScale);
  }
  return scaled;
}

export async function createBenchWorld(options: BenchWorldOptions): Promise<BenchWorld> {
  const { sandbox } = options;
  // openDatabase() uses the global factory; each world has its own profile.
  globalThis.indexedDB = new IDBFactory();
  const db = await openDatabase();
  await putConnection(db, {
    id: CONNECTION_ID,
    displayName: 'Sandbox brand',
    shareWith: 'administrators',
    brand: { id: sandbox.endpoint.brandId, name: 'Sandbox' },
    keyHint: '••••test',
    consent: { agreedAt: 1, statementVersion: '1' },
    createdAt: 1,
    lastUsedAt: null,
  });
  await plainVault(db).put(CONNECTION_ID, sandbox.endpoint.apiKey);
  await putExport(db, {
    id: EXPORT_ID,
    name: 'bench',
    connectionId: CONNECTION_ID,
    segments: [{ sourceId: SOURCE_ID, segmentId: SEGMENT_ID, displayName: 'VIP', tag: 'VIP' }],
    mapping: defaultMapping,
    syncMode: 'mirror',
    schedule: { kind: 'manual' },
    createdAt: 1,
    updatedAt: 1,
  });
  const source = new MemorySource({ pageSize: options.pageSize });
  source.setSegment(SEGMENT_ID, { displayName: 'VIP', members: range(0, options.contacts) });

  const meter: Meter = {
    requests: { default: 0, tags: 0 },
    inFlight: new BusyTime(),
    budgetWait: new BusyTime(),
  };
  const meteredFetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    meter.requests[new URL(url).pathname.endsWith('/contacts/tags') ? 'tags' : 'default']++;
    meter.inFlight.enter();
    try {
      return await sandbox.fetch(input, init);
    } finally {
      meter.inFlight.leave();
    }
  };
  // The access's clock is used only by the rate budget and the client's retry backoff, so its
  // sleeps are the time the engine waits for Omnisend's limits.
  const accessClock: Clock = {
    now: () => systemClock.now(),
    async sleep(ms, signal) {
      meter.budgetWait.enter();
      try {
        await systemClock.sleep(ms, signal);
      } finally {
        meter.budgetWait.leave();
      }
    },
  };
  const windowMs = 60_000 / options.timeScale;
  const worker = createWorker(
    fakePlatform({ openDatabase: async () => db, fetch: meteredFetch, clock: systemClock }),
    {
      engine: { timing: timingAt(options.timeScale) },
      omnisend: {
        clock: accessClock,
        // Unlimited: 400 and 60 requests per microsecond.
        windowMs: options.limited ? windowMs : 0.001,
        retryPolicy: { baseDelayMs: Math.max(1, windowMs / 100), maxDelayMs: windowMs / 2 },
      },
      sources: new Map([[SOURCE_ID, source]]),
    },
  );
  const engine = await worker.engine();

  let lastRunMs = 0;
  return {
    source,
    db,
    engine,
    get lastRunMs() {
      return lastRunMs;
    },
    async run({ fullResync = false } = {}) {
      const before = { ...meter.requests };
      const inFlightBefore = meter.inFlight.ms;
      const waitBefore = meter.budgetWait.ms;
      const started = performance.now();
      const runId = await engine.startRun(EXPORT_ID, 'manual', { fullResync });
      await engine.idle();
      const ms = performance.now() - started;
      lastRunMs = ms;
      const progress = await engine.progress(runId);
      if (progress === null || !isTerminal(progress.status))
        throw new Error(`run ${runId} stopped unfinished (${progress?.status ?? 'gone'})`);
      if (progress.status !== 'succeeded')
        throw new Error(`run ${runId} ${progress.status}: ${progress.error?.message ?? ''}`);
      return {
        progress,
        ms,
        requests: {
          default: meter.requests.default - before.default,
          tags: meter.requests.tags - before.tags,
        },
        inFlightMs: meter.inFlight.ms - inFlightBefore,
        budgetWaitMs: meter.budgetWait.ms - waitBefore,
      };
    },
    close() {
      db.close();
    },
  };
}
