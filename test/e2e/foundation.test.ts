import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { distDir, repoRoot } from '../support/build-extension.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { storedExport } from './export-flow.ts';

const messages = (lang: string) =>
  JSON.parse(readFileSync(resolve(repoRoot, `public/_locales/${lang}/messages.json`), 'utf8')) as Record<
    string,
    { message: string }
  >;

let browser: ExtensionBrowser | undefined;

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

describe('the production build', () => {
  test('has exactly the permissions and hosts the product uses', () => {
    const manifest = JSON.parse(readFileSync(resolve(distDir, 'manifest.json'), 'utf8'));
    expect(manifest.manifest_version).toBe(3);
    expect([...manifest.permissions].sort()).toEqual(
      ['alarms', 'identity', 'notifications', 'storage', 'unlimitedStorage'].sort(),
    );
    expect(manifest.host_permissions).toEqual([
      'https://api.omnisend.com/*',
      'https://api.ci.ai.dynamics.com/*',
      'https://login.microsoftonline.com/*',
    ]);
    // Dataverse organisations are asked for one at a time, when the user adds one; none at install.
    expect(manifest.optional_host_permissions).toEqual(['https://*.dynamics.com/*']);
    expect(manifest.content_scripts.map((c: { matches: string[] }) => c.matches)).toEqual([
      ['https://home.ci.ai.dynamics.com/*'],
    ]);
    // Extension pages and the worker reach only the APIs; nothing of ours is exposed to web pages.
    expect(manifest.content_security_policy).toEqual({
      extension_pages:
        "default-src 'self'; script-src 'self'; connect-src https://api.omnisend.com https://api.ci.ai.dynamics.com https://login.microsoftonline.com https://*.dynamics.com; object-src 'none'; base-uri 'none'",
    });
    expect(manifest.web_accessible_resources).toBeUndefined();
    // The content script is one classic script: no loader that imports chunks from the extension.
    expect(manifest.content_scripts[0].js).toEqual(['src/content/index.js']);
    expect(readFileSync(resolve(distDir, 'src/content/index.js'), 'utf8')).not.toMatch(
      /\bimport\s*\(|chrome\.runtime\.getURL/,
    );
    expect(manifest.background.type).toBe('module');
    expect(manifest.options_ui).toEqual({ page: 'options.html', open_in_tab: true });
  });
});

describe('the extension in Chromium', () => {
  test('starts its worker, which answers status from IndexedDB', async () => {
    browser = await ExtensionBrowser.launch();
    const reply = await browser.message('status');
    expect(reply).toEqual({
      ok: true,
      data: {
        version: '0.1.0',
        role: 'administrator',
        passphraseSet: false,
        counts: { connections: 0, exports: 0, runs: 0 },
      },
    });
  });

  test('refuses messages outside the protocol without disturbing the worker', async () => {
    browser = await ExtensionBrowser.launch();
    expect(await browser.message('no-such-message')).toMatchObject({
      ok: false,
      error: { code: 'unknown-message' },
    });
    expect(await browser.message('status', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    // Only the content script may report a page; an extension page may not pretend to be one.
    expect(
      await browser.message('page.report', { url: 'https://home.ci.ai.dynamics.com/app', title: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await browser.message('status')).toMatchObject({ ok: true });
  });

  for (const language of ['en', 'tr'] as const) {
    test(`shows the options page and the popup in ${language === 'en' ? 'English' : 'Turkish'}`, async () => {
      const text = messages(language);
      browser = await ExtensionBrowser.launch({ language });
      const options = await browser.openOptions();
      await expect.poll(() => options.title()).toBe(text.optionsTitle!.message);
      expect(await options.getAttribute('html', 'lang')).toBe(language);
      const nav = options.getByRole('navigation', { name: text.navLabel!.message });
      for (const key of ['navConnections', 'navExports', 'navSources', 'navHistory', 'navSettings']) {
        await nav.getByRole('link', { name: text[key]!.message }).waitFor();
      }
      await options.getByText(text.emptyConnectionsTitle!.message).waitFor();
      await nav.getByRole('link', { name: text.navHistory!.message }).click();
      await options.getByRole('heading', { name: text.navHistory!.message }).waitFor();
      await options.getByText(text.emptyHistoryTitle!.message).waitFor();

      const popup = await browser.openPopup();
      await popup.getByRole('heading', { name: text.extName!.message }).waitFor();
      await popup.getByText(text.popupNoSegment!.message).waitFor();
      await popup.getByText(text.roleAdministrator!.message).waitFor();
      await popup.getByRole('button', { name: text.popupOpenOptions!.message }).waitFor();
    });
  }

  test('wakes a stopped worker on the next message, with its data intact', async () => {
    browser = await ExtensionBrowser.launch();
    // The worker creates the database; only then is a record seeded into it, as the worker stores one.
    expect(await browser.message('status')).toMatchObject({ ok: true });
    await browser.putRecords('connections', [
      {
        id: 'c1',
        displayName: 'Demo',
        shareWith: 'administrators',
        brand: { id: 'b1', name: 'Demo brand' },
        keyHint: '••••1234',
        consent: { agreedAt: 1, statementVersion: '2026-11' },
        createdAt: 1,
        lastUsedAt: null,
      },
    ]);
    await browser.stopWorker();
    expect(await browser.isWorkerRunning()).toBe(false);
    expect(await browser.message('status')).toMatchObject({ ok: true, data: { counts: { connections: 1 } } });
    expect(await browser.isWorkerRunning()).toBe(true);
  });

  test('keeps its data when the browser restarts on the same profile', async () => {
    browser = await ExtensionBrowser.launch();
    expect(await browser.message('status')).toMatchObject({ ok: true });
    await browser.putRecords('exports', [storedExport({ name: 'VIP', connectionId: null })]);
    browser = await browser.restart();
    expect(await browser.readStore('exports')).toHaveLength(1);
    expect(await browser.message('status')).toMatchObject({ data: { counts: { exports: 1 } } });
  });
});

describe('the content script', () => {
  let sandbox: Awaited<ReturnType<typeof startCustomerInsightsSandbox>>;

  beforeAll(async () => {
    sandbox = await startCustomerInsightsSandbox();
    return () => sandbox.close();
  });

  test('reports a Customer Insights page to the worker, and the popup shows it', async () => {
    browser = await ExtensionBrowser.launch({
      hosts: {
        'home.ci.ai.dynamics.com': sandbox.port,
        'api.ci.ai.dynamics.com': sandbox.port,
        'login.microsoftonline.com': sandbox.port,
      },
    });
    const helper = await browser.openOptions();
    const ci = await browser.context.newPage();
    await ci.goto(sandbox.segmentPageUrl('Male_under_40'));
    const title = await ci.title();
    expect(title).toContain('Male under 40');

    await ci.bringToFront();
    const tabId = await helper.evaluate(async () => {
      const chromeApi = (
        globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number }[]> } } }
      ).chrome;
      const [tab] = await chromeApi.tabs.query({ active: true, currentWindow: true });
      return tab!.id;
    });
    // Only the GUIDs and short strings that could name the segment: no whole address, no profile data.
    await expect
      .poll(async () => browser!.message('tab.context', { tabId }), { timeout: 10_000 })
      .toMatchObject({
        ok: true,
        data: {
          page: {
            guids: [sandbox.environmentId],
            address: ['app', 'segments', 'Male_under_40'],
            text: expect.arrayContaining(['Male under 40', 'Segments']),
          },
        },
      });

    // No environment is set up yet: the popup says so and offers Sources.
    const popup = await browser.openPopup(tabId);
    await popup.getByText(new RegExp(`environment ${sandbox.environmentId} is not set up`)).waitFor();
    await popup.getByRole('button', { name: 'Open Sources' }).waitFor();
  });
});
