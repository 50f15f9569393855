import type { Mode, ScenarioResult, SourceKind } from './scenario.ts';

/**
 * The bench's arithmetic and its printed report: floors, efficiencies, per-contact costs, the
 * 1,000,000 ÷ 10,000 ratio and the targets of issue #10 – figures to read, never assertions.
 */

/** Calls of one operation the sandbox answered, whatever their status. */
const callsOf = (result: ScenarioResult, operation: string) =>
  Object.values(result.sandbox.requestCounts[operation] ?? {}).reduce((a, b) => a + b, 0);

/** Requests by Omnisend's budget class: /contacts/tags, and every other operation. */
export function requestsByClass(counts: Record<string, Record<number, number>>): {
  default: number;
  tags: number;
} {
  const byClass = { default: 0, tags: 0 };
  for (const [operation, byStatus] of Object.entries(counts)) {
    const calls = Object.values(byStatus).reduce((a, b) => a + b, 0);
    byClass[operation.endsWith(' /contacts/tags') ? 'tags' : 'default'] += calls;
  }
  return byClass;
}

/**
 * The least time Omnisend's published limits (400 requests a minute, 60 for /contacts/tags) let
 * these requests take, in real milliseconds when Omnisend's minute lasts 60/scale s.
 */
export function limitMs(requests: { default: number; tags: number }, scale: number): number {
  return (Math.max(requests.default / 400, requests.tags / 60) * 60_000) / scale;
}

/**
 * Both plans' floors (issue #16), from the requests the sandbox answered: the chosen plan's are
 * those requests (submissions, listings and item reads of batches, the brand snapshot, tag calls);
 * the tag-bound plan would send the same default requests and every tag added through
 * /contacts/tags, 250 a call.
 */
export function planFloorsMs(result: ScenarioResult): { tagBound: number; chosen: number } {
  const requests = requestsByClass(result.sandbox.requestCounts);
  const removals = callsOf(result, 'DELETE /contacts/tags');
  const tagBoundTags = Math.ceil(result.run.counts.tagged / 250) + removals;
  const { scale } = result.spec;
  return {
    tagBound: limitMs({ default: requests.default, tags: Math.max(requests.tags, tagBoundTags) }, scale),
    chosen: limitMs(requests, scale),
  };
}

/**
 * The chosen plan's floor ÷ wall: 1 = at Omnisend's limit. Above 1 when the first, empty rate
 * window carried the run.
 */
export function efficiency(result: ScenarioResult): number {
  return planFloorsMs(result).chosen / result.run.ms;
}

/** Paced runs: both plans' floors and the chosen plan's efficiency, one printed line. */
export function planLine(result: ScenarioResult): string {
  const { tagBound, chosen } = planFloorsMs(result);
  return `plans: tag-bound floor ${seconds(tagBound)}, chosen floor ${seconds(chosen)} (${fixed(chosen / tagBound, 2)} × tag-bound), chosen plan's efficiency ${fixed(efficiency(result), 2)}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall milliseconds per member: the cost the 1,000,000 ÷ 10,000 ratio compares. */
export function msPerContact(result: ScenarioResult): number {
  return result.run.ms / result.spec.members;
}

const MB = 2 ** 20;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A scenario's CPU per contact in µs: the worker thread, the rest of Chromium, the sandbox. */
export function cpuPerContact(
  result: ScenarioResult,
): { worker: number; chromium: number; sandbox: number } | null {
  const { chromium, sandbox } = result.cpu;
  if (chromium === null || sandbox === null) return null;
  const per = (seconds: number) => (seconds * 1e6) / result.spec.members;
  const rest = chromium.extension + chromium.browser + chromium.network + chromium.other;
  return { worker: per(chromium.worker), chromium: per(rest), sandbox: per(sandbox) };
}

function requestsOf(result: ScenarioResult): string {
  const count = (operation: string) =>
    Object.values(result.sandbox.requestCounts[operation] ?? {}).reduce((a, b) => a + b, 0);
  const reads = result.sandbox.memberReads > 0 ? ` ci ${int(result.sandbox.memberReads)}` : '';
  return `b ${int(count('POST /batches'))} l ${int(count('GET /batches'))} p ${int(count('GET /batches/{batchID}/items'))} t ${int(count('POST /contacts/tags'))}${reads}`;
}

const columns = [
  ['source', 18],
  ['members', 9],
  ['mode', 9],
  ['upload/read', 11],
  ['run', 9],
  ['contacts/s', 10],
  ['floor', 8],
  ['eff.', 5],
  ['requests (batches, listings, polls, tags, CI reads)', 52],
  ['429', 4],
  ['heap MB', 11],
  ['IDB B/entry', 11],
  ['long task ms', 12],
  ['CPU µs/contact (worker/Chromium/sandbox)', 41],
  ['load', 9],
] as const;

export function tableHeader(): string {
  return columns.map(([name, width]) => name.padEnd(width)).join(' ');
}

/** One printed row per scenario run. */
export function tableRow(result: ScenarioResult): string {
  const { spec, run, upload } = result;
  const paced = spec.mode === 'paced';
  const cpu = cpuPerContact(result);
  const cells = [
    spec.source,
    int(spec.members),
    `${spec.mode} ×${spec.scale}`,
    upload ? seconds(upload.ms) : run.readMs === null ? '–' : `${seconds(run.readMs)} read`,
    seconds(run.ms),
    int(result.contactsPerSecond),
    paced ? seconds(planFloorsMs(result).chosen) : '–',
    paced ? fixed(efficiency(result), 2) : '–',
    requestsOf(result),
    String(result.sandbox.count429),
    `${fixed(result.heap.peakRetained / MB)} (${fixed(result.heap.peak / MB)})`,
    int(result.storage.bytesPerLedgerEntry),
    `${int(result.longestTaskMs.options)}/${int(result.longestTaskMs.popup)}`,
    cpu ? `${int(cpu.worker)}/${int(cpu.chromium)}/${int(cpu.sandbox)}` : '–',
    `${fixed(result.load.before)}-${fixed(result.load.after)}`,
  ];
  return cells.map((cell, i) => cell.padEnd(columns[i]![1])).join(' ');
}

export const LEGEND = `upload/read  file: Options › Sources upload (parse, validate, store); Customer Insights: until the
             segment was read to its end (within the run, ±1 s)
run          "Run now" to the run's end, by the worker's clock; contacts/s = members ÷ run
floor, eff.  paced only: the chosen plan's floor max(default requests/400, tag calls/60) minutes
             of the requests the sandbox answered, at the scale (the "plans:" line beside it: the
             tag-bound plan's, the same default requests and tagged/250 tag calls); eff. = floor ÷
             run (1.00 = at the limit; above 1 when the first, empty rate window carries a run of
             fewer than a few windows of tag calls)
requests     what the Omnisend sandbox answered: POST /batches, GET /batches (listings that settle
             batches), GET /batches/{id}/items, POST /contacts/tags; CI reads = Customer Insights
             data/Customer pages of 100
heap MB      the worker's memory (Runtime.getHeapUsage: JavaScript heap + ArrayBuffers, where the
             in-memory ledger index lives): the peak of what it holds, sampled right after a forced
             full GC every 10 s; in brackets the peak sampled every 0.5 s, garbage not yet
             collected included
IDB B/entry  navigator.storage.estimate() after the run minus before it, per ledger entry
long task    longest task (ms, over 50) of the options page / popup open during the run
CPU          µs of CPU per member (Linux /proc): the service worker thread, the rest of Chromium
             (IndexedDB, network, pages, GPU), the sandboxes' thread
load         1-minute load average before and after (2 cores: above 2, others wait for CPU)`;

export interface Target {
  what: string;
  value: string;
  met: boolean | null;
}

/**
 * Contacts a second the extension's CPU per contact would allow if it had `cores` to itself –
 * the sandbox's CPU and everything else on the machine taken away: every part of Chromium's work
 * spread over the cores, and never faster than the worker thread alone. An estimate from CPU
 * time, not a measured speed; null without /proc.
 */
export function cpuBoundRate(result: ScenarioResult, cores: number): number | null {
  const cpu = cpuPerContact(result);
  if (cpu === null || cpu.worker <= 0) return null;
  return Math.min((cores * 1e6) / (cpu.worker + cpu.chromium), 1e6 / cpu.worker);
}

/** The targets of issue #10, judged on what this bench run measured (null: not measured). */
export function targets(results: readonly ScenarioResult[], cores = 2): Target[] {
  const of = (source: SourceKind, mode: Mode, members: number) =>
    results.filter((r) => r.spec.source === source && r.spec.mode === mode && r.spec.members === members);
  const largest = Math.max(...results.map((r) => r.spec.members));
  const list: Target[] = [];
  for (const source of ['file', 'customer-insights'] as const) {
    const big = of(source, 'engine', largest);
    const small = of(source, 'engine', 10_000);
    if (big.length > 0) {
      const rate = median(big.map((r) => r.contactsPerSecond));
      list.push({
        what: `${source}: engine speed at ${int(largest)} ≥ 2,500 contacts/s`,
        value: `${int(rate)} contacts/s`,
        met: rate >= 2_500,
      });
      const bound = median(big.flatMap((r) => cpuBoundRate(r, cores) ?? []));
      if (Number.isFinite(bound))
        list.push({
          what: `  (estimate: Chromium's CPU per contact on ${cores} free cores, no sandbox)`,
          value: `${int(bound)} contacts/s`,
          met: null,
        });
    }
    if (big.length > 0 && small.length > 0 && largest > 10_000) {
      const ratio = median(big.map(msPerContact)) / median(small.map(msPerContact));
      list.push({
        what: `${source}: cost per contact ${int(largest)} ÷ 10,000 ≤ 1.2`,
        value: fixed(ratio, 2),
        met: ratio <= 1.2,
      });
    }
    const paced = of(source, 'paced', largest);
    if (paced.length > 0) {
      const worst = Math.min(...paced.map(efficiency));
      const rejected = Math.max(...paced.map((r) => r.sandbox.count429));
      list.push({
        what: `${source}: paced at ${int(largest)}: efficiency ≥ 0.95, no 429`,
        value: `${fixed(worst, 3)}, ${rejected} × 429`,
        met: worst >= 0.95 && rejected === 0,
      });
    }
  }
  const atLargest = results.filter((r) => r.spec.members === largest);
  if (atLargest.length > 0) {
    const heap = Math.max(...atLargest.map((r) => r.heap.peakRetained));
    list.push({
      what: `worker memory held at ${int(largest)} (heap + ledger index) ≤ 64 MB`,
      value: `${fixed(heap / MB)} MB`,
      met: heap <= 64 * MB,
    });
    const withGarbage = Math.max(...atLargest.map((r) => r.heap.peak));
    list.push({
      what: '  (peak with garbage not yet collected)',
      value: `${fixed(withGarbage / MB)} MB`,
      met: null,
    });
    const bytes = Math.max(...atLargest.map((r) => r.storage.bytesPerLedgerEntry));
    list.push({ what: 'IndexedDB per ledger entry ≤ 300 B', value: `${int(bytes)} B`, met: bytes <= 300 });
  }
  const longest = Math.max(
    0,
    ...results.map((r) => Math.max(r.longestTaskMs.options, r.longestTaskMs.popup)),
  );
  list.push({
    what: 'options page and popup: no task over 200 ms during a run',
    value: `${int(longest)} ms`,
    met: longest <= 200,
  });
  const uploads = results.filter((r) => r.upload !== null && r.spec.members === largest);
  if (uploads.length > 0) {
    const slowest = Math.max(...uploads.map((r) => r.upload!.ms));
    const bar = uploads.every((r) => r.upload!.progressSeen);
    const longTask = Math.max(...uploads.map((r) => r.upload!.longestTaskMs));
    list.push({
      what: `upload of ${int(largest)} rows < 60 s (1,000,000), with a progress bar`,
      value: `${seconds(slowest)}, progress bar ${bar ? 'shown' : 'missing'}, longest task ${int(longTask)} ms`,
      met: (largest < 1_000_000 || slowest < 60_000) && bar,
    });
  }
  return list;
}

/**
 * What went wrong in a scenario, if anything: a run that did not succeed, a 429 or a contract
 * violation, or an Omnisend that does not hold what the run says it sent and tagged.
 */
export function problems(result: ScenarioResult): string[] {
  const { run, sandbox } = result;
  const found: string[] = [];
  if (run.status !== 'succeeded') found.push(`the run ended ${run.status}`);
  if (sandbox.count429 > 0 && result.spec.mode === 'engine')
    found.push(`${sandbox.count429} × 429 with no limit on`);
  if (sandbox.contractViolations > 0)
    found.push(
      `${sandbox.contractViolations} contract violation(s): ${sandbox.violationSamples.join(' | ')}`,
    );
  if (sandbox.contacts !== run.counts.sent)
    found.push(`Omnisend holds ${int(sandbox.contacts)} contacts, the run sent ${int(run.counts.sent)}`);
  if (sandbox.tagged !== run.counts.tagged)
    found.push(
      `Omnisend has ${int(sandbox.tagged)} contacts tagged, the run tagged ${int(run.counts.tagged)}`,
    );
  return found;
}

export function targetLines(list: readonly Target[]): string[] {
  return list.map(
    ({ what, value, met }) => `${met === null ? ' ' : met ? '✓' : '✗'} ${what.padEnd(62)} ${value}`,
  );
}

/** Per source and mode: wall and worker CPU per contact at each size, and largest ÷ 10,000. */
export function costLines(results: readonly ScenarioResult[]): string[] {
  const lines: string[] = [];
  const sizes = [...new Set(results.map((r) => r.spec.members))].sort((a, b) => a - b);
  for (const source of ['file', 'customer-insights'] as const)
    for (const mode of ['engine', 'paced'] as const) {
      const cells: string[] = [];
      const wall = new Map<number, number>();
      const cpu = new Map<number, number>();
      for (const members of sizes) {
        const runs = results.filter(
          (r) => r.spec.source === source && r.spec.mode === mode && r.spec.members === members,
        );
        if (runs.length === 0) continue;
        wall.set(members, median(runs.map(msPerContact)) * 1000);
        const worker = runs.flatMap((r) => cpuPerContact(r)?.worker ?? []);
        if (worker.length > 0) cpu.set(members, median(worker));
        const spread =
          runs.length > 1 ? ` (${runs.map((r) => int(r.contactsPerSecond)).join(', ')} contacts/s)` : '';
        cells.push(
          `${int(members)}: ${int(wall.get(members)!)} µs wall, ${cpu.has(members) ? int(cpu.get(members)!) : '–'} µs worker CPU${spread}`,
        );
      }
      if (cells.length === 0) continue;
      const largest = Math.max(...wall.keys());
      const ratio = (map: Map<number, number>) =>
        map.has(largest) && map.has(10_000) && largest > 10_000
          ? fixed(map.get(largest)! / map.get(10_000)!, 2)
          : '–';
      lines.push(`${source}, ${mode}: ${cells.join('; ')}`);
      lines.push(`   ${int(largest)} ÷ 10,000 per contact: wall ${ratio(wall)}, worker CPU ${ratio(cpu)}`);
    }
  return lines;
}

/** The threads that spent the most CPU per member (µs), for a line under a scenario's row. */
export function threadLine(result: ScenarioResult, count = 8): string | null {
  const threads = result.cpu.chromium?.threads;
  if (!threads) return null;
  const top = Object.entries(threads)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([kind, seconds]) => `${kind} ${int((seconds * 1e6) / result.spec.members)}`);
  return `CPU µs/contact by thread: ${top.join(', ')}`;
}
