import { afterAll, describe, expect, test } from 'vitest';
import type { RunView } from '../../../src/messaging/protocol.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { createWorld, omnisendState, range, runToEnd, type World } from './engine-world.ts';

const N = 800;

function prepare(world: World) {
  world.source.setSegment('vip', { displayName: 'VIP', members: range(0, N) });
  world.source.updateProfile(3, { Email: 'not an email' });
  world.source.updateProfile(4, { Email: 'PERSON5@Example.com ' });
  world.sandbox.seedContact({ email: 'person10@example.com', tags: ['Newsletter'] });
  return world.saveExport({ name: 'vip', syncMode: 'mirror' });
}

/** Between the two runs: 50 members leave, 50 join, 8 change. */
function change(world: World) {
  world.source.setSegment('vip', { displayName: 'VIP', members: [...range(50, N), ...range(N, N + 50)] });
  for (let i = 100; i < 108; i++) world.source.updateProfile(i, { FirstName: `Renamed ${i}` });
}

/**
 * Runs the export once, stopping the worker at `kills` random points – as one of its next few
 * requests goes out (before or after Omnisend took it) or a few milliseconds in, which lands in
 * IndexedDB work – each time resuming on a new worker. Returns the run and the stops made.
 */
async function runWithKills(
  world: World,
  random: () => number,
  kills: number,
): Promise<{ run: RunView; stops: number }> {
  let worker = await world.startWorker();
  const runId = await worker.engine.startRun('export-vip', 'manual');
  let stops = 0;
  while (stops < kills) {
    if (random() < 0.6)
      worker.killAtRequest(worker.requests() + 1 + Math.floor(random() * 3), random() < 0.5);
    else worker.killAfterMs(Math.floor(random() * 60));
    const outcome = await Promise.race([
      runToEnd(worker, runId),
      worker.whenKilled.then(() => 'killed' as const),
    ]);
    if (outcome !== 'killed') {
      worker.disarm();
      return { run: outcome, stops };
    }
    stops++;
    worker = await world.startWorker();
  }
  return { run: await runToEnd(worker, runId), stops };
}

const stable = ({ counts, status }: RunView) => {
  const { created: _created, updated: _updated, ...rest } = counts;
  return { status, ...rest };
};

describe('a worker stopped at any instant', () => {
  const worlds: World[] = [];
  afterAll(async () => {
    for (const world of worlds) {
      expect(world.sandbox.inspect.contractViolations()).toEqual([]);
      await world.close();
    }
  });

  test('leaves, after 20 random stops and resumes, the same final state as an uninterrupted run', async () => {
    const reference = await createWorld({ pageSize: 100 });
    const interrupted = await createWorld({ pageSize: 100 });
    worlds.push(reference, interrupted);
    await prepare(reference);
    await prepare(interrupted);
    // The kill points are random but the same on every run of the test.
    const random = seededRandom(20260315);

    const calm = await reference.startWorker();
    const first = await runToEnd(calm, await calm.engine.startRun('export-vip', 'manual'));
    const firstKilled = await runWithKills(interrupted, random, 10);
    expect(stable(firstKilled.run)).toEqual(stable(first));
    expect(first.status).toBe('succeeded');

    change(reference);
    change(interrupted);
    const second = await runToEnd(calm, await calm.engine.startRun('export-vip', 'manual'));
    const secondKilled = await runWithKills(interrupted, random, 10);
    expect(stable(secondKilled.run)).toEqual(stable(second));
    expect(firstKilled.stops + secondKilled.stops).toBe(20);
    // Of the 50 who left, person3 (invalid email) and person4 (whose row carried person5's email,
    // so person5 left with it) never had our tag.
    expect(second.counts).toMatchObject({ untagged: 48, tagged: 50 });

    await reference.sandbox.inspect.whenIdle();
    await interrupted.sandbox.inspect.whenIdle();
    const state = omnisendState(interrupted.sandbox);
    expect(state).toEqual(omnisendState(reference.sandbox));
    expect(state.find((c) => c.email === 'person10@example.com')?.tags).toEqual(['Newsletter']);
    expect(state.find((c) => c.email === 'person101@example.com')?.firstName).toBe('Renamed 101');
    expect(state.filter((c) => c.tags.includes('VIP'))).toHaveLength(N);
    expect(interrupted.sandbox.inspect.welcomeMessages()).toEqual([]);
  });
});
