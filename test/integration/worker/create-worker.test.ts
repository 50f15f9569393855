import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createWorker, type Worker } from '../../../src/background/create-worker.ts';
import { SCHEDULE_ALARM, WATCHDOG_ALARM } from '../../../src/background/engine/engine-types.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import {
  OrgAccessRequiredError,
  SignInRequiredError,
} from '../../../src/sources/customer-insights/errors.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import type { OmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { askAs, contentSender, fakePlatform } from '../../support/fake-platform.ts';
import { MemorySource } from '../../support/memory-source.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { useOmnisendSandbox } from '../../support/worker-sandbox.ts';
import { createWorld, range, SOURCE_ID, testTuning } from '../engine/engine-world.ts';

/**
 * The worker as the browser builds it (`createWorker`), with a fake platform in Node: messages
 * from the options page go through the sender check, the readiness gate, the role gate and the
 * handlers to the engine, and from there to the Omnisend sandbox.
 */

let omnisend: OmnisendSandbox;
useOmnisendSandbox({ timeScale: 60, batchProcessingDelayMs: 15 }, (started) => {
  omnisend = started;
});

const connect = (ask: ReturnType<typeof askAs>) =>
  ask('connections.save', {
    displayName: 'Main brand',
    shareWith: 'administrators',
    apiKey: omnisend.apiKey,
    agreed: true,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  });

/**
 * A manual export of `source`'s segment whose run now waits for the user: `error` stopped its
 * first read. Its tag is the error's name: a contact that carries another test's tag already is
 * not tagged (the tag is not this export's to claim).
 */
async function runWaitingFor(worker: Worker, source: MemorySource, error: Error) {
  source.setSegment('waiting', { members: range(1000, 1200) });
  const ask = askAs(worker);
  const { connection } = await connect(ask);
  const { id } = await ask('exports.save', {
    draft: {
      name: 'Waiting push',
      connectionId: connection.id,
      segments: [{ sourceId: SOURCE_ID, segmentId: 'waiting', displayName: 'Waiting', tag: error.name }],
      mapping: { email: 'Email' },
      syncMode: 'add-only',
      schedule: { kind: 'manual' },
    },
  });
  source.failReadsWith(error, 1);
  const { runId } = await ask('exports.run', { id });
  const engine = await worker.engine();
  await engine.idle();
  const signIn = error instanceof SignInRequiredError;
  expect((await ask('runs.get', { id: runId })).run).toMatchObject({
    status: 'running',
    waiting: { code: signIn ? 'sign-in.required' : 'customer-insights.org-access-required' },
    activity: signIn ? 'waiting-for-sign-in' : 'waiting-for-access',
  });
  return { ask, engine, runId };
}

describe('createWorker', () => {
  test('takes a page from connecting Omnisend to an export run that reaches the Omnisend sandbox', async () => {
    const platform = fakePlatform({ fetch: omnisend.fetch });
    const worker = createWorker(platform, testTuning);
    const ask = askAs(worker);

    const { connection } = await connect(ask);
    expect(connection).toMatchObject({ brand: { id: omnisend.brandId }, usedBy: [] });
    const { uploadId } = await ask('files.begin', {
      name: 'Newsletter',
      fileName: 'newsletter.csv',
      encoding: 'utf-8',
    });
    const rows = range(0, 250).map((i) => ({
      line: i + 2,
      values: { Email: `reader${i}@example.com`, FirstName: `Reader ${i}` },
    }));
    rows.push({ line: 252, values: { Email: 'reader at example.com', FirstName: 'Typo' } });
    await ask('files.page', {
      uploadId,
      page: 0,
      fields: ['Email', 'FirstName'],
      rows,
      errors: [],
      unreadableLines: [],
    });
    await ask('files.commit', { uploadId });
    const [segment] = (await ask('exports.segments', {})).segments;
    const { id } = await ask('exports.save', {
      draft: {
        name: 'Newsletter push',
        connectionId: connection.id,
        segments: [
          { sourceId: segment!.sourceId, segmentId: segment!.segmentId, displayName: 'News', tag: 'News' },
        ],
        mapping: { email: 'Email', firstName: 'FirstName' },
        syncMode: 'mirror',
        schedule: { kind: 'manual' },
      },
    });
    const { runId } = await ask('exports.run', { id });
    await (await worker.engine()).idle();

    const { run } = await ask('runs.get', { id: runId });
    expect(run).toMatchObject({
      status: 'succeeded',
      exportName: 'Newsletter push',
      percent: 100,
      counts: { read: 251, created: 250, tagged: 250, rejected: 1 },
    });
    expect(await ask('runs.problems', { id: runId })).toEqual({
      groups: [
        {
          kind: 'row',
          field: 'Email',
          reason: 'email-invalid',
          count: 1,
          examples: [{ position: 252, email: 'reader at example.com', value: 'reader at example.com' }],
        },
      ],
    });
    await omnisend.inspect.whenIdle();
    const sent = omnisend.inspect.contacts().filter((c) => c.email?.startsWith('reader'));
    expect(sent).toHaveLength(250);
    expect(sent.every((c) => c.tags.includes('News') && c.firstName?.startsWith('Reader'))).toBe(true);
    // Outside the pages: the badge is cleared, one notification tells how it ended, no wake-up is left.
    expect(platform.badges.at(-1)).toBe('');
    expect(platform.notified).toEqual([
      {
        id: `run-${runId}`,
        title: 'Export “Newsletter push”',
        message: 'Done: 250 contacts sent, 250 tagged, 1 not sent.',
      },
    ]);
    expect(platform.armed.has(WATCHDOG_ALARM)).toBe(false);
    expect((await ask('exports.list', {})).exports).toMatchObject([
      { id, lastRun: { id: runId, status: 'succeeded' } },
    ]);
  });

  test('answers only the extension’s own pages and content script, and administrator messages only when unlocked', async () => {
    const worker = createWorker(fakePlatform());
    const ask = askAs(worker);
    const stranger = { id: 'another-extension', url: 'chrome-extension://another-extension/page.html' };
    expect(await worker.route({ type: 'status', payload: {} }, stranger)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await worker.route({ type: 'status', payload: {} }, contentSender(4))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const page = {
      guids: ['0b7c0d43-4c1e-4f4e-9a53-2b1a4d1e6f10'],
      address: ['app', 'segments', 'VIP'],
      text: ['VIP'],
    };
    await askAs(worker, contentSender(4))('page.report', { page });
    expect(await ask('tab.context', { tabId: 4 })).toEqual({ page });

    await ask('passphrase.set', { passphrase: 'correct horse battery' });
    await ask('role.lock', {});
    expect(await ask('status', {})).toMatchObject({
      version: '0.1.0',
      role: 'contributor',
      passphraseSet: true,
    });
    await expect(ask('connections.check', { apiKey: 'abcdefghijkl' })).rejects.toMatchObject({
      code: 'administrator-only',
    });
    await ask('role.unlock', { passphrase: 'correct horse battery' });
    await expect(ask('connections.check', { apiKey: 'abcdefghijkl' })).rejects.toMatchObject({
      code: 'omnisend.network-error',
    });
  });

  test('opens a database that failed once again, and reports one that keeps failing through status', async () => {
    let opens = 0;
    const flaky = createWorker(
      fakePlatform({
        openDatabase: async () => {
          if (++opens === 1) throw new DOMException('Another version is open.', 'VersionError');
          return openDatabase();
        },
      }),
    );
    expect(await askAs(flaky)('status', {})).toMatchObject({ role: 'administrator', counts: { runs: 0 } });
    expect(opens).toBe(2);

    let attempts = 0;
    const broken = createWorker(
      fakePlatform({
        openDatabase: async () => {
          attempts++;
          throw new DOMException('The disk is full.', 'QuotaExceededError');
        },
      }),
    );
    const ask = askAs(broken);
    await expect(ask('status', {})).rejects.toMatchObject({ code: 'storage-unavailable', retryable: true });
    await expect(ask('exports.list', {})).rejects.toMatchObject({ code: 'storage-unavailable' });
    await expect(broken.catchUp()).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(attempts).toBe(2);
  });

  test('catchUp at a worker start continues the run a stopped worker left, and arms the schedule', async () => {
    const world = await createWorld({ sandbox: omnisend, pageSize: 50 });
    try {
      world.source.setSegment('vip', { members: range(0, 300) });
      await world.saveExport({ name: 'vip', schedule: { kind: 'every', hours: 24 } });
      const first = await world.startWorker();
      first.killAtRequest(3, true);
      const runId = await first.engine.startRun('export-vip', 'manual');
      await first.whenKilled;

      const next = await world.startWorker({ soleWorker: true });
      await next.catchUp();
      await next.engine.idle();
      expect(await next.engine.progress(runId)).toMatchObject({
        status: 'succeeded',
        counts: { read: 300 },
      });
      expect(next.alarms.get(SCHEDULE_ALARM)).toBeGreaterThan(Date.now());
    } finally {
      await world.close();
    }
  });
});

describe('createWorker with Customer Insights', () => {
  let customerInsights: CustomerInsightsSandbox;
  let http: SandboxFetch;

  beforeAll(async () => {
    customerInsights = await startCustomerInsightsSandbox();
    http = sandboxFetch(customerInsights.port);
  });
  afterAll(async () => {
    http.close();
    await customerInsights.close();
  });

  test('a sign-in wakes the runs that waited for the user, without a watchdog alarm', async () => {
    const fetchBoth: typeof fetch = (input, init) =>
      new URL(String(input)).hostname === 'api.omnisend.com'
        ? omnisend.fetch(input, init)
        : http.fetch(input, init);
    const source = new MemorySource({ pageSize: 100 });
    const worker = createWorker(
      fakePlatform({
        fetch: fetchBoth,
        identity: {
          redirectUrl: () => 'https://abcdefghijklmnop.chromiumapp.org/',
          launchWebAuthFlow: async ({ url }) =>
            (await http.fetch(url, { redirect: 'manual' })).headers.get('location') ?? undefined,
        },
      }),
      { ...testTuning, sources: new Map([[SOURCE_ID, source]]) },
    );
    const { ask, engine, runId } = await runWaitingFor(worker, source, new SignInRequiredError());

    const environment = (
      await ask('customer-insights.environments.save', {
        route: 'data-api',
        environmentId: customerInsights.environmentId,
        tenant: 'organizations',
        clientId: '11111111-2222-4333-8444-555555555555',
        subscriptionKey: customerInsights.subscriptionKey,
      })
    ).environment;
    await ask('customer-insights.environments.signIn', { id: environment.id });
    await engine.idle();
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'succeeded',
      waiting: null,
      counts: { read: 200, tagged: 200 },
    });
  });

  test('access granted to an organisation (permissions.onAdded) wakes the runs that waited for it', async () => {
    const source = new MemorySource({ pageSize: 100 });
    const worker = createWorker(fakePlatform({ fetch: omnisend.fetch }), {
      ...testTuning,
      sources: new Map([[SOURCE_ID, source]]),
    });
    const { ask, engine, runId } = await runWaitingFor(
      worker,
      source,
      new OrgAccessRequiredError('https://contoso.crm4.dynamics.com'),
    );

    await worker.originsGranted();
    await engine.idle();
    expect((await ask('runs.get', { id: runId })).run).toMatchObject({
      status: 'succeeded',
      waiting: null,
      counts: { read: 200, tagged: 200 },
    });
  });
});
