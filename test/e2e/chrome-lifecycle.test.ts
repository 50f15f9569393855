import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PRIVACY_STATEMENT_VERSION } from '../../src/messaging/protocol.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { type Ask, saveEmailListExport } from '../support/email-list-export.ts';
import { type TargetInfo, UndebuggedChromium } from '../support/undebugged-chromium.ts';

/**
 * A run in Chromium with no debugger on the extension's service worker, so Chrome's own lifecycle
 * rules apply ("Idle and shutdown",
 * https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/lifecycle: Chrome
 * stops a worker after 30 seconds without events or extension API calls, a request that takes
 * longer than 5 minutes, or a fetch answer that takes longer than 30 seconds).
 *
 * The run is long in Chrome's terms twice over. First Omnisend's rate limit holds it for 32 s
 * (a 429 with that `retryAfter`): more than Chrome lets an idle worker live, so only the run's own
 * heartbeat keeps it going. Then Omnisend refuses the key: the run waits for a new one with nothing
 * to do, and Chrome stops the worker. A new key saved from the options page wakes it, and the run
 * ends with the exact Omnisend state. Everything is seen from outside the worker: the sandbox,
 * Chrome's list of targets (which attaches to nothing), and messages from an extension page.
 */

const MEMBERS = 600;
const RATE_LIMIT_WAIT_S = 32;
/** Batches the run keeps on the wire at once (run-driver.ts). */
const SUBMIT_DEPTH = 3;
const emails = Array.from({ length: MEMBERS }, (_, i) => `reader${i}@example.com`);

let omnisend: OmnisendSandbox;
let chromium: UndebuggedChromium;
/** Every look at the worker's target during the run. */
const seen: TargetInfo[][] = [];

beforeAll(async () => {
  // Batches take a second to process, so the key can be revoked while the run still needs it.
  omnisend = await startOmnisendSandbox({ batchProcessingDelayMs: 1_000, tagApplyDelayMs: 10 });
  omnisend.seedContact({ email: 'outsider@example.com', firstName: 'Untouched', tags: ['Other'] });
  // The readers are in the brand already (its newsletter), so the brand snapshot proves none of
  // them new: their tag goes through the tag lane, whose calls are still to come when the key goes.
  for (const email of emails) omnisend.seedContact({ email, tags: ['Newsletter'] });
  chromium = await UndebuggedChromium.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
});

afterAll(async () => {
  await chromium?.close();
  await omnisend?.close();
});

type Message = (type: string, payload?: unknown) => Promise<unknown>;

async function ok<T>(reply: Promise<unknown>): Promise<T> {
  const answer = (await reply) as { ok: boolean; data: T; error?: unknown };
  expect(answer, JSON.stringify(answer.error)).toMatchObject({ ok: true });
  return answer.data;
}

/** Polls `probe` (a look from outside) until `done`, recording the worker's target each time. */
async function until<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    seen.push(await chromium.workers());
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const statusCount = (route: string, status: number) => omnisend.inspect.requestCounts()[route]?.[status] ?? 0;

describe('Chrome’s own service worker lifecycle, no debugger attached', () => {
  test('a run held longer than Chrome’s idle limit, then stopped by Chrome while it waits, ends exact', async () => {
    const connection = {
      displayName: 'Main brand',
      shareWith: 'administrators',
      agreed: true,
      statementVersion: PRIVACY_STATEMENT_VERSION,
    };
    const { connectionId, runId } = await chromium.withPage(async (message: Message) => {
      const { connection: saved } = await ok<{ connection: { id: string } }>(
        message('connections.save', { ...connection, apiKey: omnisend.apiKey }),
      );
      const ask = ((type: string, payload: unknown) => ok(message(type, payload))) as Ask;
      const id = await saveEmailListExport(ask, {
        connectionId: saved.id,
        emails,
        exportName: 'Readers push',
        syncMode: 'mirror',
      });
      omnisend.faults.rateLimitStorm(1, RATE_LIMIT_WAIT_S);
      const started = await ok<{ runId: string }>(message('exports.run', { id }));
      return { connectionId: saved.id, runId: started.runId };
    });
    // No extension page is open from here on: nothing but the run keeps the worker awake.

    // 1. Omnisend's rate limit holds the run for longer than Chrome lets an idle worker live.
    const [before] = await chromium.workers();
    // Batches already on the wire when the 429 came are taken; the next go out after the wait.
    const startedAt = Date.now();
    await until(
      () => statusCount('POST /batches', 201),
      (n) => n > SUBMIT_DEPTH,
      (RATE_LIMIT_WAIT_S + 30) * 1_000,
    );
    expect(Date.now() - startedAt).toBeGreaterThan(30_000);
    expect(omnisend.inspect.count429()).toBe(1);
    const [after] = await chromium.workers();
    // The same worker all along: its heartbeat's extension API calls reset Chrome's idle timer.
    expect(after?.targetId).toBe(before?.targetId);

    // 2. The key is revoked: the run waits for a new one, idle, and Chrome stops the worker.
    omnisend.revokeKey(omnisend.apiKey);
    await until(
      () => countStatus(401),
      (n) => n > 0,
      30_000,
    );
    await until(
      () => chromium.workers(),
      (workers) => workers.length === 0,
      60_000,
    );
    const tagged = () => omnisend.inspect.contacts().filter((c) => c.tags.includes('Readers')).length;
    expect(tagged()).toBeLessThan(MEMBERS);

    // 3. A new key, saved from the options page, wakes the worker; the run goes on to its end.
    const newKey = omnisend.addKey().key;
    await chromium.withPage((message: Message) =>
      ok(message('connections.save', { ...connection, id: connectionId, apiKey: newKey })),
    );
    await until(tagged, (n) => n === MEMBERS, 60_000);
    const run = await until(
      () =>
        chromium.withPage(async (message: Message) => {
          const { runs } = await ok<{ runs: { id: string; status: string }[] }>(message('runs.list', {}));
          return runs.find((r) => r.id === runId);
        }),
      (r) => r?.status === 'succeeded',
      30_000,
    );
    expect(run).toMatchObject({
      status: 'succeeded',
      error: null,
      waiting: null,
      counts: { read: MEMBERS, tagged: MEMBERS, untagged: 0, rejected: 0 },
    });

    await omnisend.inspect.whenIdle();
    const readers = omnisend.inspect.contacts().filter((c) => c.tags.includes('Readers'));
    expect(readers.map((c) => c.email).sort()).toEqual([...emails].sort());
    expect(readers.every((c) => c.tags.includes('Newsletter'))).toBe(true);
    expect(omnisend.inspect.contact('outsider@example.com')).toMatchObject({
      firstName: 'Untouched',
      tags: ['Other'],
    });
    expect(omnisend.inspect.contactCount()).toBe(MEMBERS + 1);
    expect(omnisend.inspect.welcomeMessages()).toEqual([]);
    expect(omnisend.inspect.contractViolations()).toEqual([]);
    // Chrome ran the worker under its own rules: no debugger was ever attached to it.
    expect(seen.flat().filter((target) => target.attached)).toEqual([]);
  }, 240_000);
});

function countStatus(status: number): number {
  return Object.values(omnisend.inspect.requestCounts()).reduce(
    (sum, byStatus) => sum + (byStatus[status] ?? 0),
    0,
  );
}
