import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page, type Worker } from 'playwright-core';
import { distDir } from './build-extension.ts';
import { ensureChromium } from './chromium.ts';

export interface LaunchOptions {
  /** Reuse a profile (to restart the browser on the same data); a fresh one by default. */
  profileDir?: string;
  /** UI language; Chromium on Linux takes it from LANGUAGE (toolchain.md). */
  language?: 'en' | 'tr';
  /** Real host name → local port of the sandbox that answers for it over HTTPS. */
  hosts?: Record<string, number>;
  headless?: boolean;
  extensionDir?: string;
}

/** The switches every test's Chromium gets: the extension loaded, the sandboxes' host names mapped. */
export function chromiumArgs(options: LaunchOptions): string[] {
  const extensionDir = options.extensionDir ?? distDir;
  const rules = Object.entries(options.hosts ?? {}).map(([host, port]) => `MAP ${host} 127.0.0.1:${port}`);
  return [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    `--lang=${options.language ?? 'en'}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--ignore-certificate-errors',
    ...(rules.length ? [`--host-resolver-rules=${rules.join(', ')}`] : []),
  ];
}

/** Chromium on Linux takes its UI language from the environment (toolchain.md). */
export function chromiumEnv(language: 'en' | 'tr'): NodeJS.ProcessEnv {
  return { ...process.env, LANGUAGE: language, LANG: language === 'tr' ? 'tr_TR.UTF-8' : 'en_US.UTF-8' };
}

/**
 * The production extension running in real Chromium, with the helpers every e2e test and the demo
 * need. Errors on extension pages and in the worker are collected; `assertNoErrors` fails a test
 * that produced any.
 */
export class ExtensionBrowser {
  readonly errors: string[] = [];
  /** Every console line of the extension's pages and worker, to prove secrets never reach it. */
  readonly consoleLines: string[] = [];
  private cdp: CDPSession | undefined;
  private closing = false;

  private constructor(
    readonly context: BrowserContext,
    readonly extensionId: string,
    readonly profileDir: string,
    private readonly options: LaunchOptions,
    private readonly ownsProfile: boolean,
  ) {}

  static async launch(
    options: LaunchOptions = {},
    ownsProfile = !options.profileDir,
    knownExtensionId?: string,
  ): Promise<ExtensionBrowser> {
    const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'sefo-profile-'));
    const language = options.language ?? 'en';
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: ensureChromium(),
      headless: options.headless ?? true,
      env: chromiumEnv(language),
      args: chromiumArgs(options),
      ...(language === 'tr' ? { locale: 'tr-TR' } : {}),
    });
    const worker = await firstWorker(context, knownExtensionId);
    const browser = new ExtensionBrowser(
      context,
      new URL(worker.url()).host,
      profileDir,
      options,
      ownsProfile,
    );
    browser.watch(worker);
    await browser.watchWorkerExceptions();
    return browser;
  }

  get origin(): string {
    return `chrome-extension://${this.extensionId}`;
  }

  private isOurs(url: string): boolean {
    return url.startsWith(`${this.origin}/`);
  }

  private watch(worker: Worker) {
    this.watchWorker(worker);
    this.context.on('serviceworker', (w) => {
      if (this.isOurs(w.url())) this.watchWorker(w);
    });
    this.context.on('page', (page) => this.watchPage(page));
    for (const page of this.context.pages()) this.watchPage(page);
    this.context.on('weberror', (error) => {
      const page = error.page();
      if (!page || this.isOurs(page.url())) this.errors.push(`uncaught: ${error.error().message}`);
    });
  }

  /**
   * Uncaught exceptions of a service worker reach neither Playwright's console nor its error events,
   * so attach to every worker target of ours through CDP (in the non-flattened mode, which a
   * Playwright CDP session can relay) and listen for `Runtime.exceptionThrown`.
   */
  private async watchWorkerExceptions() {
    const cdp = await this.browserCdp();
    const attached = new Set<string>();
    const attach = async (targetId: string) => {
      if (attached.has(targetId)) return;
      attached.add(targetId);
      try {
        const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
        const enable = JSON.stringify({ id: 1, method: 'Runtime.enable' });
        await cdp.send('Target.sendMessageToTarget', { sessionId, message: enable });
      } catch {
        // The worker stopped before we attached; its next start is a new target.
      }
    };
    cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
      const parsed = JSON.parse(message) as CdpEvent;
      if (parsed.method !== 'Runtime.exceptionThrown' || this.closing) return;
      const details = parsed.params?.exceptionDetails;
      this.errors.push(`worker uncaught: ${details?.exception?.description ?? details?.text ?? 'unknown'}`);
    });
    cdp.on('Target.targetCreated', ({ targetInfo }) => {
      if (targetInfo.type === 'service_worker' && this.isOurs(targetInfo.url))
        void attach(targetInfo.targetId);
    });
    await cdp.send('Target.setDiscoverTargets', { discover: true });
    for (const target of await this.workerTargets()) await attach(target.targetId);
  }

  private async browserCdp(): Promise<CDPSession> {
    this.cdp ??= await this.context.browser()!.newBrowserCDPSession();
    return this.cdp;
  }

  private watchWorker(worker: Worker) {
    worker.on('console', (message) => {
      this.consoleLines.push(`worker ${message.type()}: ${message.text()}`);
      if (message.type() === 'error') this.errors.push(`worker console: ${message.text()}`);
    });
  }

  private watchPage(page: Page) {
    page.on('console', (message) => {
      if (!this.isOurs(page.url())) return;
      this.consoleLines.push(`${page.url()} ${message.type()}: ${message.text()}`);
      if (message.type() === 'error') this.errors.push(`${page.url()} console: ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      if (this.isOurs(page.url())) this.errors.push(`${page.url()} uncaught: ${error.message}`);
    });
  }

  assertNoErrors() {
    if (this.errors.length) throw new Error(`Errors in the extension:\n${this.errors.join('\n')}`);
  }

  async openPage(path: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(`${this.origin}/${path}`);
    return page;
  }

  async openOptions(section?: string): Promise<Page> {
    return this.openPage(`options.html${section ? `#${section}` : ''}`);
  }

  /** The popup's page in a tab; `forTab` points it at another tab, as its pop-out view does. */
  async openPopup(forTab?: number): Promise<Page> {
    return this.openPage(`popup.html${forTab === undefined ? '' : `?tab=${forTab}`}`);
  }

  /** A hidden extension page to run helpers from (same origin as the worker's IndexedDB). */
  private async helperPage(): Promise<Page> {
    const existing = this.context.pages().find((p) => p.url() === `${this.origin}/options.html#helper`);
    return existing ?? this.openOptions('helper');
  }

  /** Sends a protocol message from an extension page, as the popup or options page would. */
  async message(type: string, payload: unknown = {}): Promise<unknown> {
    const page = await this.helperPage();
    return page.evaluate(
      ([t, p]) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage({ type: t, payload: p }),
      [type, payload] as const,
    );
  }

  /** The id of the active tab of the current window (a page brought to the front, say). */
  async activeTabId(): Promise<number> {
    // Any page of ours will do; opening one would make it the active tab.
    const page = this.context.pages().find((p) => this.isOurs(p.url())) ?? (await this.helperPage());
    return page.evaluate(async () => {
      const api = (
        globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number }[]> } } }
      ).chrome;
      const [tab] = await api.tabs.query({ active: true, currentWindow: true });
      return tab!.id;
    });
  }

  /** Reads every record of one IndexedDB store from an extension page; reading does not wake the worker. */
  async readStore(store: string): Promise<unknown[]> {
    const page = await this.helperPage();
    return page.evaluate(async (name) => {
      // Opening a database that does not exist yet would create an empty one under the worker.
      if (!(await indexedDB.databases()).some((d) => d.name === 'segment-export')) return [];
      return new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('segment-export');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      });
    }, store);
  }

  /**
   * Writes records into one IndexedDB store from an extension page, as the worker stores them, to
   * set up a state (or a passage of time) the UI cannot make. The worker must have created the
   * database first (send it a message).
   */
  async putRecords(store: string, records: unknown[]): Promise<void> {
    const page = await this.helperPage();
    await page.evaluate(
      ([name, values]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('segment-export');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(name, 'readwrite');
            for (const value of values) tx.objectStore(name).put(value);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      [store, records] as const,
    );
  }

  /**
   * Everything the extension keeps in this profile, as text: chrome.storage (local, sync, session)
   * and every IndexedDB record, binary parts included, so a test can look for a plaintext secret.
   */
  async storageDump(): Promise<string> {
    const page = await this.helperPage();
    return page.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: ChromeStorageGlobal }).chrome;
      const areas = await Promise.all(
        (['local', 'sync', 'session'] as const).map((area) => api.storage[area].get(null)),
      );
      const binary = (value: ArrayBuffer | ArrayBufferView) => {
        const bytes =
          value instanceof ArrayBuffer
            ? new Uint8Array(value)
            : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return String.fromCharCode(...bytes);
      };
      const text = (value: unknown): string =>
        JSON.stringify(value, (_key, v) =>
          v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? binary(v) : v,
        );
      if (!(await indexedDB.databases()).some((d) => d.name === 'segment-export'))
        return areas.map(text).join('\n');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('segment-export');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const records: string[] = [];
      for (const name of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        records.push(`${name}: ${all.map(text).join('\n')}`);
      }
      db.close();
      return [...areas.map(text), ...records].join('\n');
    });
  }

  /**
   * Sends a message from the content script's isolated world on `page`, as a compromised or
   * buggy content script could. Playwright cannot reach that world, so this goes through CDP.
   */
  async messageFromContentScript(page: Page, message: unknown): Promise<unknown> {
    const cdp = await this.context.newCDPSession(page);
    const contexts: { id: number; origin: string; auxData?: { type?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
    await cdp.send('Runtime.enable');
    const isolated = contexts.find(
      (c) => c.auxData?.type === 'isolated' && c.origin.includes(this.extensionId),
    );
    const fallback = contexts.find((c) => c.auxData?.type === 'isolated');
    const target = isolated ?? fallback;
    if (!target) throw new Error('The content script is not running on this page.');
    const result = await cdp.send('Runtime.evaluate', {
      contextId: target.id,
      expression: `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
      awaitPromise: true,
      returnByValue: true,
    });
    await cdp.detach();
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.text);
    return result.result.value;
  }

  /**
   * The user's own grant of an origin, made where Chrome lets users manage an extension's site
   * access: the extension's page in chrome://extensions, through the `developerPrivate` API that
   * page uses. Chrome's permission prompt for `permissions.request` is native browser UI that a
   * headless browser cannot show or answer (the request stays pending, measured on Chromium 156),
   * so tests grant first; the extension's own `permissions.request` from a click then resolves
   * true without a prompt, as Chrome does for access the user already gave.
   */
  async grantSiteAccess(origin: string): Promise<void> {
    await this.siteAccess('addHostPermission', origin);
  }

  /** The user takes an origin's access back in chrome://extensions. */
  async revokeSiteAccess(origin: string): Promise<void> {
    await this.siteAccess('removeHostPermission', origin);
  }

  private async siteAccess(method: 'addHostPermission' | 'removeHostPermission', origin: string) {
    const page = await this.context.newPage();
    try {
      await page.goto(`chrome://extensions/?id=${this.extensionId}`);
      await page.evaluate(
        ([name, id, pattern]) =>
          (globalThis as unknown as DeveloperPrivateGlobal).chrome.developerPrivate[name](id, pattern),
        [method, this.extensionId, `${origin}/*`] as const,
      );
    } finally {
      await page.close();
    }
  }

  /** Records every reply the worker sends to `page`, to prove what pages are (not) told. */
  static async recordReplies(page: Page): Promise<() => Promise<string>> {
    await page.evaluate(() => {
      const api = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime;
      const original = api.sendMessage.bind(api);
      const log: unknown[] = [];
      (globalThis as unknown as { __replies: unknown[] }).__replies = log;
      api.sendMessage = async (m: unknown) => {
        const reply = await original(m);
        log.push(reply);
        return reply;
      };
    });
    return () =>
      page.evaluate(() => JSON.stringify((globalThis as unknown as { __replies: unknown[] }).__replies));
  }

  private async workerTargets(): Promise<{ targetId: string }[]> {
    const { targetInfos } = await (await this.browserCdp()).send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'service_worker' && this.isOurs(t.url));
  }

  async isWorkerRunning(): Promise<boolean> {
    return (await this.workerTargets()).length > 0;
  }

  /**
   * Stops the service worker as Chrome does when it is idle (toolchain.md). Done when the worker
   * we closed is gone: a page that keeps asking may start a new one at once, which is fine.
   */
  async stopWorker() {
    const cdp = await this.browserCdp();
    const closed = (await this.workerTargets()).map((t) => t.targetId);
    for (const targetId of closed) await cdp.send('Target.closeTarget', { targetId });
    const deadline = Date.now() + 10_000;
    let asked = Date.now();
    for (;;) {
      const left = (await this.workerTargets()).filter((t) => closed.includes(t.targetId));
      if (!left.length) return;
      if (Date.now() > deadline) throw new Error('The service worker did not stop.');
      // Chrome sometimes lets a worker that is busy with an event finish it and ignores the
      // request; asking again once it is idle stops it.
      if (Date.now() - asked > 500) {
        asked = Date.now();
        for (const t of left)
          await cdp.send('Target.closeTarget', { targetId: t.targetId }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Closes the browser and starts it again on the same profile (in another UI language if told). */
  async restart(change: Pick<LaunchOptions, 'language'> = {}): Promise<ExtensionBrowser> {
    this.closing = true;
    await this.context.close();
    const next = await ExtensionBrowser.launch(
      { ...this.options, ...change, profileDir: this.profileDir },
      this.ownsProfile,
    );
    next.errors.push(...this.errors);
    return next;
  }

  async close() {
    this.closing = true;
    await this.context.close();
    if (this.ownsProfile) rmSync(this.profileDir, { recursive: true, force: true });
  }
}

interface ChromeStorageGlobal {
  storage: Record<'local' | 'sync' | 'session', { get(keys: null): Promise<Record<string, unknown>> }>;
}

interface DeveloperPrivateGlobal {
  chrome: {
    developerPrivate: Record<
      'addHostPermission' | 'removeHostPermission',
      (id: string, host: string) => Promise<void>
    >;
  };
}

interface ChromeGlobal {
  chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
}

interface CdpEvent {
  method?: string;
  params?: { exceptionDetails?: { text?: string; exception?: { description?: string } } };
}

/**
 * The extension's service worker once the browser is up. A restarted profile's worker starts with
 * the browser (runtime.onStartup), but Chrome may be slow to do so; opening one of the extension's
 * pages then asks it to.
 */
async function firstWorker(context: BrowserContext, knownExtensionId: string | undefined): Promise<Worker> {
  const existing = () => context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  const found = existing();
  if (found) return found;
  if (!knownExtensionId) return context.waitForEvent('serviceworker', { timeout: 15_000 });
  const started = await context.waitForEvent('serviceworker', { timeout: 10_000 }).catch(() => undefined);
  if (started) return started;
  const page = await context.newPage();
  await page.goto(`chrome-extension://${knownExtensionId}/options.html`);
  return existing() ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
}

/** For afterEach: fails the test if the extension logged errors, and always closes the browser. */
export async function closeCheckingErrors(browser: ExtensionBrowser | undefined): Promise<void> {
  if (!browser) return;
  try {
    browser.assertNoErrors();
  } finally {
    await browser.close();
  }
}
