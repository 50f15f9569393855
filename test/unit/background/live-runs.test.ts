import { describe, expect, test } from 'vitest';
import { createLiveRuns } from '../../../src/background/live-runs.ts';
import { emptyCounters } from '../../../src/core/run/run-counters.ts';
import { LIVE_RUNS_KEY, readLiveRuns } from '../../../src/messaging/live-runs.ts';
import type { RunView } from '../../../src/messaging/protocol.ts';
import { memorySession } from '../../support/memory-session.ts';

const view = (id: string, change: Partial<RunView> = {}): RunView => ({
  id,
  exportId: `export-${id}`,
  exportName: `Export ${id}`,
  trigger: 'manual',
  job: { kind: 'export' },
  status: 'running',
  phase: 'read',
  activity: 'reading',
  counts: emptyCounters(),
  total: 10,
  percent: 0,
  etaMs: null,
  stalledMinutes: null,
  createdAt: 1,
  startedAt: 1,
  finishedAt: null,
  error: null,
  waiting: null,
  batchIds: [],
  requestIds: [],
  ...change,
});

describe('the live runs the worker pushes to the pages', () => {
  test('a run that is queued, starts, moves and ends at once is seen at each change, and gone at the end', async () => {
    const session = memorySession();
    const live = createLiveRuns(session);
    const stored = async () => readLiveRuns((await session.get(LIVE_RUNS_KEY))[LIVE_RUNS_KEY]);

    // Events fired without waiting, as the engine does: none is lost to another.
    void live.publish({ type: 'run-progress', run: view('r1', { status: 'queued', activity: 'queued' }) });
    void live.publish({ type: 'run-progress', run: view('r2') });
    await live.publish({ type: 'run-progress', run: view('r1') });
    expect(await stored()).toMatchObject({ revision: 3, runs: [{ id: 'r2' }, { id: 'r1' }] });

    // Progress alone changes the views, not the revision lists follow.
    await live.publish({ type: 'run-progress', run: view('r1', { percent: 40 }) });
    expect(await stored()).toMatchObject({ revision: 3, runs: [{ id: 'r2' }, { id: 'r1', percent: 40 }] });

    await live.publish({ type: 'run-finished', run: view('r1', { status: 'failed', activity: null }) });
    expect(await stored()).toMatchObject({ revision: 4, runs: [{ id: 'r2' }] });
  });

  test('a worker that starts again replaces what a stopped one left', async () => {
    const session = memorySession();
    const live = createLiveRuns(session);
    await live.publish({ type: 'run-progress', run: view('gone') });
    await live.reset([view('r3')]);
    const stored = readLiveRuns((await session.get(LIVE_RUNS_KEY))[LIVE_RUNS_KEY]);
    expect(stored).toMatchObject({ revision: 2, runs: [{ id: 'r3' }] });
  });
});
