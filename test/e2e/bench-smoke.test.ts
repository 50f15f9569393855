import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  costLines,
  cpuBoundRate,
  limitMs,
  planFloorsMs,
  planLine,
  problems,
  tableRow,
  targetLines,
  targets,
  threadLine,
} from '../bench/figures.ts';
import { type SandboxThread, startSandboxThread } from '../bench/remote-sandbox.ts';
import { runScenario } from '../bench/scenario.ts';

/**
 * `npm run bench` in small (issue #10): that it works and measures what it says – never how fast.
 * The figures themselves are for `npm run bench`, on an idle machine.
 */
describe('the bench, with 5,000 members', () => {
  let thread: SandboxThread;
  let workDir: string;

  beforeAll(() => {
    thread = startSandboxThread();
    workDir = mkdtempSync(join(tmpdir(), 'sefo-bench-'));
  });

  afterAll(async () => {
    await thread.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('a file segment at engine speed: uploaded with a progress bar, every contact sent and tagged, all figures taken', async () => {
    const result = await runScenario(thread, {
      source: 'file',
      members: 5_000,
      mode: 'engine',
      scale: 100,
      workDir,
    });
    expect(problems(result)).toEqual([]);
    expect(result.run.counts).toMatchObject({
      read: 5_000,
      sent: 5_000,
      created: 5_000,
      tagged: 5_000,
      rejected: 0,
    });
    expect(result.upload).toMatchObject({ progressSeen: true });
    expect(result.sandbox).toMatchObject({
      contacts: 5_000,
      tagged: 5_000,
      count429: 0,
      contractViolations: 0,
    });
    expect(result.sandbox.requestCounts['POST /batches']).toEqual({ 201: 50 });
    // A fresh brand: every tag went inside its contact's batch item (the planner, issue #16).
    expect(result.sandbox.requestCounts['POST /contacts/tags']).toBeUndefined();
    expect(result.heap.samples).toBeGreaterThan(0);
    expect(result.heap.peakJs).toBeGreaterThan(0);
    expect(result.heap.peak).toBeGreaterThanOrEqual(result.heap.peakJs);
    expect(result.heap.peakRetained).toBeGreaterThan(0);
    expect(result.storage.ledgerEntries).toBe(5_000);
    expect(result.storage.afterRun).toBeGreaterThan(result.storage.beforeRun);
    expect(result.longestTaskMs.options).toBeGreaterThanOrEqual(0);
    expect(result.run.ms).toBeGreaterThan(0);
    expect(tableRow(result)).toContain('5,000');
    // CPU from Linux's /proc, by thread: the worker's own thread is among them.
    expect(result.cpu.chromium?.worker).toBeGreaterThan(0);
    expect(threadLine(result)).toContain('worker: ServiceWorker');
    expect(cpuBoundRate(result, 2)).toBeGreaterThan(0);
    expect(targetLines(targets([result], 2)).join('\n')).toContain('no sandbox');
  });

  test('a Customer Insights segment paced by Omnisend’s scaled limits: read through the Data API, no 429', async () => {
    const result = await runScenario(thread, {
      source: 'customer-insights',
      members: 5_000,
      mode: 'paced',
      scale: 4,
      workDir,
    });
    expect(problems(result)).toEqual([]);
    expect(result.upload).toBeNull();
    expect(result.run.counts.read).toBe(5_000);
    // The sandbox's profiles are dirty on purpose (invalid, blank and repeated emails).
    expect(result.run.counts.rejected + result.run.counts.duplicates).toBeGreaterThan(0);
    expect(result.run.counts.tagged).toBe(result.run.counts.sent);
    expect(result.sandbox.memberReads).toBe(50);
    expect(result.sandbox).toMatchObject({
      count429: 0,
      contractViolations: 0,
      tagged: result.run.counts.sent,
    });
    expect(result.storage.ledgerEntries).toBe(result.run.counts.sent);
    const lines = [...costLines([result]), ...targetLines(targets([result]))];
    expect(lines.join('\n')).toContain('customer-insights, paced');
    // Both plans' floors: on a fresh brand the chosen one sends no tag call, the tag-bound one 5,000 tags.
    const { tagBound, chosen } = planFloorsMs(result);
    expect(chosen).toBeLessThan(tagBound);
    expect(planLine(result)).toMatch(/^plans: tag-bound floor .* chosen plan's efficiency \d/);
  });

  test('the floor is DESIGN.md §6’s: a million new contacts take 66.7 minutes at Omnisend’s limits', () => {
    // 10,000 batches of 100 and 4,000 tag calls of 250.
    expect(limitMs({ default: 10_000, tags: 4_000 }, 1) / 60_000).toBeCloseTo(66.67, 2);
    // Tags inside upserts would leave only the batch bound: 25 minutes.
    expect(limitMs({ default: 10_000, tags: 0 }, 1) / 60_000).toBeCloseTo(25, 5);
    expect(limitMs({ default: 10_000, tags: 4_000 }, 4) / 60_000).toBeCloseTo(16.67, 2);
  });
});
