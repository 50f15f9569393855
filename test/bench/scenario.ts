import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { MessageType, RequestOf, ResponseOf, RunView } from '../../src/messaging/protocol.ts';
import { ExtensionBrowser } from '../support/extension-browser.ts';
import { IDLE, selfTimes, type TimeShare } from './cpu-profile.ts';
import { type CpuSnapshot, chromiumCpu, cpuBetween } from './process-cpu.ts';
import type { RemoteSandbox, SandboxThread } from './remote-sandbox.ts';
import type { SandboxStats } from './sandbox-protocol.ts';
import { segmentFile } from './segment-file.ts';
import { type CpuProfile, WorkerSession } from './worker-session.ts';

/**
 * One bench scenario: a fresh profile of the production extension in Chromium, the sandboxes in
 * their thread, one export of one segment run once, measured from outside – by the sandboxes, by
 * DevTools on the worker, and by the options page and popup a user would keep open.
 */

export type SourceKind = 'file' | 'customer-insights';
export type Mode = 'engine' | 'paced';

export interface ScenarioSpec {
  source: SourceKind;
  members: number;
  mode: Mode;
  /**
   * How many times faster than real time the worker's clock and the sandbox's rate windows run.
   * Paced: Omnisend's minute lasts 60/scale s, so the floor shrinks by `scale`. Engine: the
   * sandbox has no limit and the extension's own budget (390 and 58 a minute) is scaled out of
   * the way.
   */
  scale: number;
  /** Writes the worker's CPU profile of the run to this .cpuprofile path. */
  profilePath?: string | undefined;
  /** Writes a Chromium trace of the run (the pages' main thread: tasks, scripts, GC, layout) here. */
  tracePath?: string | undefined;
  /** dist/ by default. */
  extensionDir?: string | undefined;
  /** Where segment files are written (kept between scenarios of one bench). */
  workDir: string;
}

export interface ScenarioResult {
  spec: Omit<ScenarioSpec, 'workDir' | 'extensionDir' | 'profilePath' | 'tracePath'>;
  /** File: parse, validate and store through Options › Sources. Null for Customer Insights. */
  upload: { ms: number; progressSeen: boolean; longestTaskMs: number } | null;
  run: {
    /** From "Run now" to the run's end, by the worker's clock. */
    ms: number;
    /** Until the source was read to its end (the run left its read phase). */
    readMs: number | null;
    status: string;
    counts: RunView['counts'];
  };
  /** Members per second of run time. */
  contactsPerSecond: number;
  /**
   * CPU seconds during the run (Linux /proc): Chromium's by part (the service worker thread,
   * IndexedDB, network, pages) and the sandboxes' thread. Unlike wall time, other work on the
   * machine hardly changes them.
   */
  cpu: { chromium: CpuSnapshot | null; sandbox: number | null };
  sandbox: SandboxStats;
  /**
   * Worker memory (`Runtime.getHeapUsage`: JavaScript heap, embedder objects and ArrayBuffer
   * backing stores), sampled every 500 ms during the run; `peakJs` without the backing stores.
   */
  heap: {
    peak: number;
    peakJs: number;
    /** The largest of the samples taken right after a forced full GC: heap and backing stores. */
    peakRetained: number;
    median: number;
    samples: number;
    timeline: number[][];
    /** Right after the run, after a forced full GC: what the worker holds, garbage aside. */
    afterGc: { used: number; backing: number };
  };
  /** `navigator.storage.estimate()` of the extension's origin. */
  storage: { beforeRun: number; afterRun: number; ledgerEntries: number; bytesPerLedgerEntry: number };
  /** Longest task (ms) of each page while the run went on; 0 when none passed 50 ms. */
  longestTaskMs: { options: number; popup: number };
  /** Each page's longest animation frame during the run and the scripts it ran ('' if none). */
  longestFrame: { options: string; popup: string };
  /** 1-minute load average at the start and end: other work on the machine slows every figure. */
  load: { before: number; after: number };
  chromium: string;
  /** With `profilePath`: the worker's functions by self time, most first. */
  profile?: TimeShare[];
}

const SEGMENT_TAG = 'Bench members';

export async function runScenario(thread: SandboxThread, spec: ScenarioSpec): Promise<ScenarioResult> {
  const loadBefore = loadAverage();
  const sandbox = await thread.start({
    timeScale: spec.scale,
    ...(spec.mode === 'engine' ? { rateLimits: { default: 1e9, tags: 1e9 } } : {}),
    customerInsightsMembers: spec.source === 'customer-insights' ? spec.members : 0,
  });
  const { endpoint } = sandbox;
  const ci = endpoint.customerInsights;
  const browser = await withoutWorkerNetworkInspection(() =>
    ExtensionBrowser.launch({
      extensionDir: spec.extensionDir,
      hosts: {
        'api.omnisend.com': endpoint.omnisendPort,
        ...(ci
          ? {
              'home.ci.ai.dynamics.com': ci.port,
              'api.ci.ai.dynamics.com': ci.port,
              'login.microsoftonline.com': ci.port,
            }
          : {}),
      },
    }),
  );
  const worker = await WorkerSession.attach(browser);
  try {
    await worker.warpClock(spec.scale, { timers: spec.mode === 'paced' });
    const connectionId = await addConnection(browser, endpoint.apiKey);
    const upload = spec.source === 'file' ? await uploadFile(browser, spec) : null;
    if (ci) await addEnvironment(browser, ci);
    const exportId = await addExport(browser, connectionId, spec.source);

    const options = await browser.openOptions('exports');
    const popup = await browser.openPopup();
    await Promise.all([watchLongTasks(options), watchLongTasks(popup)]);
    const beforeRun = await storageUsage(browser);
    await sandbox.clear();
    const since = await Promise.all([pageNow(options), pageNow(popup)]);
    if (spec.profilePath) await worker.startProfile();
    const chromium = browser.context.browser();
    if (spec.tracePath && chromium)
      await chromium.startTracing(options, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.gc', 'blink'],
      });
    const heap = startHeapSampler(worker);

    const cpuBefore = chromiumCpu(browser.profileDir);
    const started = performance.now();
    const { runId } = await ask(browser, 'exports.run', { id: exportId });
    let readMs: number | null = null;
    let run: RunView;
    for (;;) {
      run = (await ask(browser, 'runs.get', { id: runId })).run;
      if (readMs === null && run.phase !== null && run.phase !== 'read') readMs = performance.now() - started;
      if (run.status !== 'queued' && run.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // The worker's own clock times the run exactly; it runs `scale` times as fast as real time.
    const ms =
      run.finishedAt !== null ? (run.finishedAt - run.createdAt) / spec.scale : performance.now() - started;
    const cpuAfter = chromiumCpu(browser.profileDir);
    const heapFigures = { ...(await heap.stop()), afterGc: await worker.heapAfterGc() };
    const profile = spec.profilePath ? await worker.stopProfile() : null;
    if (spec.tracePath && chromium) writeFileSync(spec.tracePath, await chromium.stopTracing());
    if (profile && spec.profilePath) writeProfile(spec.profilePath, profile);
    await sandbox.whenIdle();
    const stats = await sandbox.stats(SEGMENT_TAG);
    const longest = await Promise.all([longestTask(options, since[0]), longestTask(popup, since[1])]);
    const frames = await Promise.all([longestFrame(options, since[0]), longestFrame(popup, since[1])]);
    const afterRun = await storageUsage(browser);
    const ledgerEntries = await ledgerSize(browser);
    browser.assertNoErrors();
    return {
      spec: { source: spec.source, members: spec.members, mode: spec.mode, scale: spec.scale },
      upload,
      run: { ms, readMs, status: run.status, counts: run.counts },
      contactsPerSecond: (spec.members * 1000) / ms,
      cpu: {
        chromium: cpuBetween(cpuBefore, cpuAfter),
        sandbox: stats.cpuSeconds,
      },
      sandbox: stats,
      heap: heapFigures,
      storage: {
        beforeRun,
        afterRun,
        ledgerEntries,
        bytesPerLedgerEntry: ledgerEntries > 0 ? (afterRun - beforeRun) / ledgerEntries : 0,
      },
      longestTaskMs: { options: longest[0], popup: longest[1] },
      longestFrame: { options: frames[0], popup: frames[1] },
      load: { before: loadBefore, after: loadAverage() },
      chromium: browser.context.browser()?.version() ?? 'unknown',
      ...(profile
        ? {
            profile: selfTimes(profile)
              .filter((share) => share.name !== IDLE)
              .slice(0, 15),
          }
        : {}),
    };
  } finally {
    await worker.detach();
    await browser.close();
  }
}

/**
 * Playwright turns DevTools' network inspection on in every service worker it sees (for its
 * request events), and that costs the worker and the browser CPU on each request – DevTools a
 * user does not have open. The bench needs none of those events: off while the browser starts (the
 * variable is read as a worker appears, and the bench's worker starts with the browser).
 */
async function withoutWorkerNetworkInspection<T>(launch: () => Promise<T>): Promise<T> {
  const name = 'PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK';
  const before = process.env[name];
  process.env[name] = '1';
  try {
    return await launch();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

function loadAverage(): number {
  return Number((loadavg()[0] ?? 0).toFixed(2));
}

/** A message to the worker, typed by the protocol: a renamed message or field fails `tsc`. */
async function ask<M extends MessageType>(
  browser: ExtensionBrowser,
  type: M,
  payload: RequestOf<M>,
): Promise<ResponseOf<M>> {
  const reply = (await browser.message(type, payload)) as
    | { ok: true; data: ResponseOf<M> }
    | { ok: false; error: { message: string } };
  if (!reply.ok) throw new Error(`${type}: ${reply.error.message}`);
  return reply.data;
}

async function addConnection(browser: ExtensionBrowser, apiKey: string): Promise<string> {
  await ask(browser, 'connections.save', {
    displayName: 'Bench brand',
    shareWith: 'administrators',
    apiKey,
    agreed: true,
    statementVersion: '2026-11',
  });
  const { connections } = await ask(browser, 'connections.list', {});
  const id = connections[0]?.id;
  if (!id) throw new Error('the connection was not saved');
  return id;
}

/** Options › Sources › "Upload a segment file", as a user does it, timed until the file is listed. */
async function uploadFile(browser: ExtensionBrowser, spec: ScenarioSpec): Promise<ScenarioResult['upload']> {
  const path = segmentFile(spec.workDir, spec.members);
  const page = await browser.openOptions('sources');
  await watchLongTasks(page);
  await page.getByRole('button', { name: 'Upload a segment file' }).click();
  await page.getByLabel('Segment file', { exact: true }).setInputFiles(path);
  await page.getByLabel('Segment name', { exact: true }).fill(SEGMENT_TAG);
  const since = await pageNow(page);
  const started = performance.now();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const progressSeen = await page
    .getByRole('progressbar', { name: 'Upload progress' })
    .waitFor({ timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  await page.getByRole('row', { name: new RegExp(SEGMENT_TAG) }).waitFor({ timeout: 30 * 60_000 });
  const ms = performance.now() - started;
  const longestTaskMs = await longestTask(page, since);
  await page.close();
  return { ms, progressSeen, longestTaskMs };
}

async function addEnvironment(
  browser: ExtensionBrowser,
  ci: NonNullable<RemoteSandbox['endpoint']['customerInsights']>,
): Promise<void> {
  const { environment } = await ask(browser, 'customer-insights.environments.save', {
    route: 'data-api',
    environmentId: ci.environmentId,
    tenant: 'organizations',
    clientId: '11111111-2222-4333-8444-555555555555',
    subscriptionKey: ci.subscriptionKey,
  });
  await ask(browser, 'customer-insights.environments.signIn', { id: environment.id });
}

/** Email, first name and last name of the one segment there is, tagged, in Mirror mode. */
async function addExport(
  browser: ExtensionBrowser,
  connectionId: string,
  source: SourceKind,
): Promise<string> {
  const { segments } = await ask(browser, 'exports.segments', {});
  const segment = segments[0];
  if (!segment) throw new Error('no segment to export');
  const mapping =
    source === 'file'
      ? { email: 'Email', firstName: 'First name', lastName: 'Last name' }
      : { email: 'EmailAddress', firstName: 'FirstName', lastName: 'LastName' };
  const { id } = await ask(browser, 'exports.save', {
    draft: {
      name: 'Bench export',
      connectionId,
      segments: [
        {
          sourceId: segment.sourceId,
          segmentId: segment.segmentId,
          displayName: segment.displayName,
          tag: SEGMENT_TAG,
        },
      ],
      mapping,
      syncMode: 'mirror',
      schedule: { kind: 'manual' },
    },
  });
  return id;
}

/**
 * Samples the worker's memory every 500 ms, and every 10 s right after a forced full GC (what the
 * worker holds, garbage aside); the timeline is [seconds, heap MB, backing MB], at most 200 points.
 */
function startHeapSampler(worker: WorkerSession) {
  const samples: { at: number; used: number; backing: number }[] = [];
  let retained = 0;
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    for (let n = 1; !stopped; n++) {
      const collect = n % 20 === 1;
      const usage = await (collect ? worker.heapAfterGc() : worker.heapUsage()).catch(() => null);
      if (usage) samples.push({ at: performance.now() - started, ...usage });
      if (usage && collect) retained = Math.max(retained, usage.used + usage.backing);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return {
    async stop(): Promise<Omit<ScenarioResult['heap'], 'afterGc'>> {
      stopped = true;
      await loop;
      const total = (s: { used: number; backing: number }) => s.used + s.backing;
      const sorted = samples.map(total).sort((a, b) => a - b);
      // At most 200 points: the largest sample of each stretch of time.
      const stretch = Math.max(1, Math.ceil(samples.length / 200));
      const timeline: number[][] = [];
      for (let at = 0; at < samples.length; at += stretch) {
        const part = samples.slice(at, at + stretch);
        timeline.push([
          round(part[0]!.at / 1000),
          round(Math.max(...part.map((s) => s.used)) / 2 ** 20),
          round(Math.max(...part.map((s) => s.backing)) / 2 ** 20),
        ]);
      }
      return {
        peak: sorted.at(-1) ?? 0,
        peakJs: Math.max(0, ...samples.map((s) => s.used)),
        peakRetained: retained,
        median: sorted[Math.floor(sorted.length / 2)] ?? 0,
        samples: samples.length,
        timeline,
      };
    },
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

async function storageUsage(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.openPage('options.html#bench-storage');
  try {
    return await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  } finally {
    await page.close();
  }
}

/** Emails the export's ledger holds, as its head record says (storage/ledger.ts). */
async function ledgerSize(browser: ExtensionBrowser): Promise<number> {
  const heads = (await browser.readStore('ledgers')) as { entries?: number }[];
  return heads.reduce((sum, head) => sum + (head.entries ?? 0), 0);
}

/**
 * Records the page's long tasks (over 50 ms, the Long Tasks API's threshold), and the long
 * animation frames' scripts (what ran, from where) to tell what a long task was.
 */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const tasks: [number, number][] = [];
    const frames: LongFrame[] = [];
    const g = globalThis as unknown as { __longTasks: [number, number][]; __longFrames: LongFrame[] };
    g.__longTasks = tasks;
    g.__longFrames = frames;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
    interface LongFrame {
      start: number;
      duration: number;
      scripts: string[];
    }
    type ScriptTiming = {
      duration: number;
      invoker: string;
      sourceURL: string;
      sourceFunctionName: string;
      sourceCharPosition: number;
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { scripts?: ScriptTiming[] })[])
        frames.push({
          start: entry.startTime,
          duration: entry.duration,
          scripts: (entry.scripts ?? []).map(
            (s) =>
              `${Math.round(s.duration)} ms ${s.invoker} ${s.sourceFunctionName} ${s.sourceURL.split('/').pop()}:${s.sourceCharPosition}`,
          ),
        });
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
}

/** The longest animation frame since `since`, with the scripts it ran (see watchLongTasks). */
async function longestFrame(page: Page, since: number): Promise<string> {
  return page.evaluate((from) => {
    const frames = (
      globalThis as unknown as { __longFrames: { start: number; duration: number; scripts: string[] }[] }
    ).__longFrames.filter((f) => f.start >= from);
    const longest = frames.sort((a, b) => b.duration - a.duration)[0];
    return longest ? `${Math.round(longest.duration)} ms: ${longest.scripts.join(' | ') || 'no script'}` : '';
  }, since);
}

function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

async function longestTask(page: Page, since: number): Promise<number> {
  return page.evaluate(
    (from) =>
      Math.max(
        0,
        ...(globalThis as unknown as { __longTasks: [number, number][] }).__longTasks
          .filter(([start]) => start >= from)
          .map(([, duration]) => duration),
      ),
    since,
  );
}

function writeProfile(path: string, profile: CpuProfile): void {
  writeFileSync(path, JSON.stringify(profile));
}
