import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createWorld,
  omnisendState,
  range,
  runToEnd,
  SOURCE_ID,
  type Worker,
  type World,
} from './engine-world.ts';

/**
 * Tags and segments named like the properties every JavaScript object inherits. `__proto__` is a
 * valid Omnisend tag (and the default tag of a segment of that name); kept in a plain object it
 * would be ignored on write and every member would look like a leaver, and `constructor` or
 * `toString` would look like tags this extension added.
 */
const NAMES = ['__proto__', 'constructor', 'toString'];

describe('tags named like object properties', () => {
  let world: World;
  let worker: Worker;

  beforeAll(async () => {
    world = await createWorld({ pageSize: 50 });
    for (const [i, name] of NAMES.entries()) {
      world.source.setSegment(name, { members: range(i * 10, i * 10 + 40) });
    }
    // Carries a tag of that name that this extension never added: Mirror must leave it.
    world.sandbox.seedContact({ email: 'outsider@example.com', tags: ['constructor', 'toString'] });
    await world.saveExport({
      name: 'odd',
      syncMode: 'mirror',
      segments: NAMES.map((name) => ({ sourceId: SOURCE_ID, segmentId: name, displayName: name, tag: name })),
    });
    worker = await world.startWorker();
  });

  afterAll(async () => {
    expect(world.sandbox.inspect.contractViolations()).toEqual([]);
    await world.close();
  });

  const tagsOf = (n: number) => world.sandbox.inspect.contact(`person${n}@example.com`)?.tags ?? [];

  test('every member gets the tag of each of its segments', async () => {
    const run = await runToEnd(worker, await worker.engine.startRun('export-odd', 'manual'));
    expect(run.status).toBe('succeeded');
    await world.sandbox.inspect.whenIdle();
    expect([...tagsOf(0)].sort()).toEqual(['__proto__']);
    expect([...tagsOf(15)].sort()).toEqual(['__proto__', 'constructor']);
    expect([...tagsOf(25)].sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect([...tagsOf(55)].sort()).toEqual(['toString']);
  });

  test('a second run with nothing changed sends and removes nothing', async () => {
    const before = omnisendState(world.sandbox);
    world.sandbox.inspect.clear();
    const run = await runToEnd(worker, await worker.engine.startRun('export-odd', 'manual'));
    expect(run.counts).toMatchObject({ sent: 0, tagged: 0, untagged: 0 });
    await world.sandbox.inspect.whenIdle();
    expect(omnisendState(world.sandbox)).toEqual(before);
    expect(world.sandbox.inspect.requests().filter((r) => r.path.endsWith('/contacts/tags'))).toEqual([]);
  });

  test('a member who left `__proto__` loses that tag only; the outsider keeps its tags', async () => {
    world.source.setSegment('__proto__', { members: range(1, 40) });
    const run = await runToEnd(worker, await worker.engine.startRun('export-odd', 'manual'));
    expect(run.counts).toMatchObject({ untagged: 1, tagged: 0 });
    await world.sandbox.inspect.whenIdle();
    expect([...tagsOf(0)]).toEqual([]);
    expect([...tagsOf(1)]).toEqual(['__proto__']);
    expect([...(world.sandbox.inspect.contact('outsider@example.com')?.tags ?? [])].sort()).toEqual([
      'constructor',
      'toString',
    ]);
  });
});
