import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { distDir } from '../support/build-extension.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;
type CustomerInsightsSandbox = Awaited<ReturnType<typeof startCustomerInsightsSandbox>>;

const PASSPHRASE = 'correct horse battery staple';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';

let omnisend: OmnisendSandbox;
let customerInsights: CustomerInsightsSandbox;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  // Two brands: an administrators' one and a shared one, each with its own key.
  omnisend = await startOmnisendSandbox({ brands: [{ name: 'Private brand' }, { name: 'Team brand' }] });
  customerInsights = await startCustomerInsightsSandbox();
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await Promise.all([omnisend.close(), customerInsights.close()]);
});

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

const keyOf = (brand: number) => omnisend.brands[brand]!.keys[0]!.key;

function launch() {
  return ExtensionBrowser.launch({
    hosts: {
      'api.omnisend.com': omnisend.port,
      'home.ci.ai.dynamics.com': customerInsights.port,
      'api.ci.ai.dynamics.com': customerInsights.port,
      'login.microsoftonline.com': customerInsights.port,
    },
  });
}

async function ok<T>(reply: Promise<unknown>): Promise<T> {
  const answer = (await reply) as { ok: boolean; data?: T; error?: unknown };
  expect(answer).toMatchObject({ ok: true });
  return answer.data as T;
}

/** As an administrator, through messages: a connection, an export of a file, and one finished run. */
async function adminSetup(b: ExtensionBrowser) {
  const connection = async (displayName: string, shareWith: string, apiKey: string) =>
    (
      await ok<{ connection: { id: string } }>(
        b.message('connections.save', {
          displayName,
          shareWith,
          apiKey,
          agreed: true,
          statementVersion: '2026-11',
        }),
      )
    ).connection.id;
  const privateId = await connection('Private brand', 'administrators', keyOf(0));
  const teamId = await connection('Team brand', 'administrators-and-contributors', keyOf(1));
  const { uploadId } = await ok<{ uploadId: string }>(
    b.message('files.begin', { name: 'Members', fileName: 'members.csv', encoding: 'utf-8' }),
  );
  const rows = Array.from({ length: 20 }, (_, i) => ({
    line: i + 2,
    values: { Email: `member${i}@example.com` },
  }));
  await ok(
    b.message('files.page', { uploadId, page: 0, fields: ['Email'], rows, errors: [], unreadableLines: [] }),
  );
  const { file } = await ok<{ file: { id: string } }>(b.message('files.commit', { uploadId }));
  const draft = (name: string, connectionId: string) => ({
    name,
    connectionId,
    segments: [{ sourceId: file.id, segmentId: file.id, displayName: 'Members', tag: name }],
    mapping: { email: 'Email' },
    syncMode: 'add-only',
    schedule: { kind: 'manual' },
  });
  const adminExport = (
    await ok<{ id: string }>(b.message('exports.save', { draft: draft('Admin export', privateId) }))
  ).id;
  const teamExport = (
    await ok<{ id: string }>(b.message('exports.save', { draft: draft('Team export', teamId) }))
  ).id;
  const { runId: adminRun } = await ok<{ runId: string }>(b.message('exports.run', { id: adminExport }));
  await expect
    .poll(
      async () =>
        ((await b.message('runs.get', { id: adminRun })) as { data: { run: { status: string } } }).data.run
          .status,
      {
        timeout: 30_000,
      },
    )
    .toBe('succeeded');
  return { privateId, teamId, fileId: file.id, adminExport, teamExport, adminRun, draft };
}

async function setPassphraseAndLock(page: Page) {
  await page.getByLabel('New passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat the new passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Set passphrase' }).click();
  await page.getByText('The administrator passphrase is saved.').waitFor();
  await page.getByRole('button', { name: 'Lock administrator' }).click();
  await page.getByRole('button', { name: 'Unlock administrator' }).waitFor();
}

describe('A contributor', () => {
  test('cannot run, change or see an administrator-only export or connection, through the UI or by messages', async () => {
    browser = await launch();
    const setup = await adminSetup(browser);
    await setPassphraseAndLock(await browser.openOptions('settings'));

    // The screens show only what is shared.
    const page = await browser.openOptions('exports');
    await page.getByRole('row', { name: /Team export/ }).waitFor();
    expect(await page.getByText('Admin export').count()).toBe(0);
    expect(await page.getByText('Private brand').count()).toBe(0);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('row', { name: /Team brand/ }).waitFor();
    expect(await page.getByText('Private brand').count()).toBe(0);
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByText('No runs yet').waitFor();
    await page.getByRole('link', { name: 'Sources' }).click();
    await page
      .getByRole('row', { name: /Members/ })
      .getByText('Team export')
      .waitFor();
    expect(await page.getByText('Admin export').count()).toBe(0);

    // What the contributor may do still works: "Run now" on the shared export, while locked.
    await page.getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('button', { name: 'Run now: Team export' }).click();
    await page
      .getByRole('row', { name: /Team export/ })
      .getByText('Successful')
      .waitFor({ timeout: 30_000 });
    expect(omnisend.inspect.contacts(omnisend.brands[1]!.brandID)).toHaveLength(20);

    // Every answer the screens get keeps to the shared objects.
    const replies = await ExtensionBrowser.recordReplies(page);
    for (const section of ['Connections', 'History', 'Sources', 'Settings', 'Exports']) {
      await page.getByRole('link', { name: section }).click();
      await page.getByRole('heading', { name: section, level: 2 }).waitFor();
    }
    await page.getByRole('row', { name: /Team export/ }).waitFor();
    expect(await replies()).toContain('Team brand');
    expect(await replies()).not.toContain('Private brand');
    expect(await replies()).not.toContain('Admin export');

    // An extension page talking to the worker directly is refused everything about the administrators' objects.
    const refused = async (type: string, payload: unknown) =>
      expect(await browser!.message(type, payload), type).toMatchObject({
        ok: false,
        error: { code: 'administrator-only' },
      });
    await refused('exports.run', { id: setup.adminExport });
    await refused('exports.run', { id: setup.adminExport, fullResync: true });
    await refused('exports.get', { id: setup.adminExport });
    await refused('exports.save', {
      id: setup.adminExport,
      draft: setup.draft('Admin export', setup.teamId),
    });
    await refused('exports.save', { draft: setup.draft('Sneaky export', setup.privateId) });
    await refused('exports.duplicate', { id: setup.adminExport });
    await refused('exports.remove', { id: setup.adminExport });
    await refused('runs.get', { id: setup.adminRun });
    await refused('runs.rejected', { id: setup.adminRun, page: 0 });
    await refused('runs.cancel', { id: setup.adminRun });
    // The file an administrator's export reads cannot be replaced, renamed or removed.
    await refused('files.begin', {
      name: 'Other people',
      fileName: 'other.csv',
      encoding: 'utf-8',
      replaceSourceId: setup.fileId,
    });
    await refused('files.rename', { id: setup.fileId, name: 'Renamed' });
    await refused('files.remove', { id: setup.fileId });
    await refused('connections.save', {
      id: setup.privateId,
      displayName: 'Mine now',
      shareWith: 'administrators-and-contributors',
      agreed: true,
      statementVersion: '2026-11',
    });
    for (const type of [
      'exports.list',
      'connections.list',
      'runs.active',
      'runs.list',
      'sources.list',
      'status',
    ]) {
      const text = JSON.stringify(await browser.message(type, {}));
      expect(text, type).not.toContain('Admin export');
      expect(text, type).not.toContain('Private brand');
      expect(text, type).not.toContain(setup.adminRun);
    }

    // Nothing changed: the administrator's export and its only run are as they were.
    const exports = (await browser.readStore('exports')) as {
      id: string;
      name: string;
      connectionId: string;
    }[];
    expect(exports.find((e) => e.id === setup.adminExport)).toMatchObject({
      name: 'Admin export',
      connectionId: setup.privateId,
    });
    const runs = (await browser.readStore('runs')) as { exportId: string }[];
    expect(runs.filter((r) => r.exportId === setup.adminExport)).toHaveLength(1);
  });
});

/** Every sealed secret of the vault, tried with every key the dump holds; what opens is returned. */
async function openWithStoredKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('segment-export');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T>(store: string, keys: boolean) =>
      new Promise<T[]>((resolve, reject) => {
        const os = db.transaction(store).objectStore(store);
        const request = keys ? os.getAllKeys() : os.getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const candidates: CryptoKey[] = [];
    const raw: Uint8Array[] = [];
    // Every key object stored, and every 32-byte value anywhere in IndexedDB or chrome.storage,
    // tried as a raw AES key: the wrapped vault key's own fields included.
    const collect = (value: unknown, seen = new Set<unknown>()): void => {
      if (value === null || typeof value !== 'object' || seen.has(value)) {
        if (typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value))
          raw.push(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
        return;
      }
      seen.add(value);
      if (value instanceof CryptoKey) candidates.push(value);
      else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
        const bytes =
          value instanceof ArrayBuffer
            ? new Uint8Array(value)
            : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        for (let at = 0; at + 32 <= bytes.length; at++) raw.push(bytes.slice(at, at + 32));
      } else for (const inner of Object.values(value)) collect(inner, seen);
    };
    const stores = Array.from(db.objectStoreNames);
    for (const store of stores) collect(await all(store, false));
    const chromeApi = (
      globalThis as unknown as { chrome: { storage: Record<string, { get(k: null): Promise<object> }> } }
    ).chrome;
    for (const area of ['local', 'sync', 'session']) collect(await chromeApi.storage[area]!.get(null));
    for (const bytes of raw)
      candidates.push(
        await crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt']),
      );
    const keys = await all<string>('vault', true);
    const values = await all<{ iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer }>('vault', false);
    const opened: string[] = [];
    for (const [i, id] of keys.entries()) {
      if (!id.startsWith('secret:')) continue;
      const sealed = values[i]!;
      for (const key of candidates) {
        try {
          const plain = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(id.slice(7)) },
            key,
            sealed.data,
          );
          opened.push(new TextDecoder().decode(plain));
          break;
        } catch {
          // Not this key.
        }
      }
    }
    db.close();
    return opened;
  });
}

describe('With a passphrase set and locked', () => {
  test('a dump of all storage, key material included, decrypts no secret that needs the passphrase', async () => {
    browser = await launch();
    const save = (displayName: string, shareWith: string, apiKey: string, allowLockedRuns: boolean) =>
      ok(
        browser!.message('connections.save', {
          displayName,
          shareWith,
          apiKey,
          allowLockedRuns,
          agreed: true,
          statementVersion: '2026-11',
        }),
      );
    await save('Private brand', 'administrators', keyOf(0), false);
    await save('Team brand', 'administrators-and-contributors', keyOf(1), true);
    await ok(
      browser.message('customer-insights.environments.save', {
        route: 'data-api',
        environmentId: customerInsights.environmentId,
        tenant: 'contoso.onmicrosoft.com',
        clientId: CLIENT_ID,
        subscriptionKey: customerInsights.subscriptionKey,
        allowLockedRuns: false,
      }),
    );
    const helper = await browser.openOptions('helper');
    // Before any passphrase, the profile holds every key: a copy of it opens them all (README says so).
    expect((await openWithStoredKeys(helper)).sort()).toEqual(
      [customerInsights.subscriptionKey, keyOf(0), keyOf(1)].sort(),
    );

    await ok(browser.message('passphrase.set', { passphrase: PASSPHRASE }));
    await ok(browser.message('role.lock', {}));
    // Only what allows scheduled runs while locked opens; the passphrase's secrets stay ciphertext.
    expect(await openWithStoredKeys(helper)).toEqual([keyOf(1)]);
    const dump = await browser.storageDump();
    for (const secret of [keyOf(0), keyOf(1), customerInsights.subscriptionKey, PASSPHRASE])
      expect(dump).not.toContain(secret);
  });

  test('writing the old unlock flag, or a made-up key, from a page changes nothing, not even after a worker restart', async () => {
    browser = await launch();
    await ok(
      browser.message('connections.save', {
        displayName: 'Private brand',
        shareWith: 'administrators',
        apiKey: keyOf(0),
        agreed: true,
        statementVersion: '2026-11',
      }),
    );
    await ok(browser.message('passphrase.set', { passphrase: PASSPHRASE }));
    await ok(browser.message('role.lock', {}));
    const helper = await browser.openOptions('helper');
    await helper.evaluate(async () => {
      const session = (
        globalThis as unknown as { chrome: { storage: { session: { set(v: object): Promise<void> } } } }
      ).chrome.storage.session;
      const fake = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
      await session.set({
        'administrator-unlocked-until': Date.now() + 86_400_000,
        'vault-unlocked': { key: fake, until: Date.now() + 86_400_000 },
      });
      // And the setting an earlier version unlocked by deleting.
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('segment-export');
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          tx.objectStore('settings').delete('adminPassphrase');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      });
    });
    for (const restart of [false, true]) {
      if (restart) await browser.stopWorker();
      expect(await browser.message('status')).toMatchObject({
        ok: true,
        data: { role: 'contributor', passphraseSet: true },
      });
      expect(await browser.message('connections.check', { apiKey: keyOf(1) })).toMatchObject({
        ok: false,
        error: { code: 'administrator-only' },
      });
      expect(await browser.message('connections.list')).toMatchObject({
        ok: true,
        data: { role: 'contributor', connections: [] },
      });
    }
    // The real passphrase still unlocks, and the key it protects is intact.
    await ok(browser.message('role.unlock', { passphrase: PASSPHRASE }));
    await browser.stopWorker();
    expect(await browser.message('status')).toMatchObject({ ok: true, data: { role: 'administrator' } });
  });
});

describe('The Customer Insights site', () => {
  test('can fetch none of the extension’s files, and the build exposes none', async () => {
    browser = await launch();
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [relative(distDir, join(dir, entry.name))],
      );
    })(distDir);
    expect(files).toContain('src/content/index.js');
    const page = await browser.context.newPage();
    await page.goto(customerInsights.segmentPageUrl(customerInsights.segments[0]!.name));
    const reached = await page.evaluate(
      async ({ origin, paths }) => {
        const got: string[] = [];
        for (const path of paths) {
          const ok = await fetch(`${origin}/${path}`).then(
            () => true,
            () => false,
          );
          if (ok) got.push(path);
        }
        return got;
      },
      { origin: browser.origin, paths: files },
    );
    expect(reached).toEqual([]);
  });
});
