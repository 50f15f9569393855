import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { overflowing, seriousViolations } from '../support/axe.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { catalogue, type Locale, messagesOf } from '../support/locale-messages.ts';

/**
 * Every screen state a marketer meets, in English and in Turkish, by the words the locale says:
 * the first-open guide, the popup at 380 px (idle with history, during a run, needing attention,
 * on a segment page), runs that end at once, a stalled Omnisend, narrow windows, and axe-core on
 * each state. One browser per language, the states built one after the other.
 */

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;
type CustomerInsightsSandbox = Awaited<ReturnType<typeof startCustomerInsightsSandbox>>;

const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const POPUP = { width: 380, height: 640 };
const NARROW = { width: 600, height: 900 };
const WIDE = { width: 1280, height: 900 };

let omnisend: OmnisendSandbox;
let ci: CustomerInsightsSandbox;

beforeAll(async () => {
  omnisend = await startOmnisendSandbox({ batchProcessingDelayMs: 20, tagApplyDelayMs: 10 });
  ci = await startCustomerInsightsSandbox();
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await Promise.all([omnisend.close(), ci.close()]);
});

/** Thirty members; row 3 repeats row 2's email in other letters' case. */
function members(): { line: number; values: Record<string, string> }[] {
  const rows = [{ line: 2, values: { Email: 'Ayse@Example.com', FirstName: 'Ayşe' } }];
  rows.push({ line: 3, values: { Email: ' ayse@example.COM', FirstName: 'Ayşe' } });
  for (let i = 0; i < 28; i++)
    rows.push({ line: 4 + i, values: { Email: `m${i}@example.com`, FirstName: `M${i}` } });
  return rows;
}

async function expectOk<T>(reply: Promise<unknown>): Promise<T> {
  const answer = (await reply) as { ok: boolean; data: T; error?: unknown };
  expect(answer, JSON.stringify(answer.error)).toMatchObject({ ok: true });
  return answer.data;
}

/** A segment file through the same messages the upload form sends. */
async function uploadFile(browser: ExtensionBrowser, name: string): Promise<string> {
  const { uploadId } = await expectOk<{ uploadId: string }>(
    browser.message('files.begin', { name, fileName: `${name}.csv`, encoding: 'utf-8' }),
  );
  await expectOk(
    browser.message('files.page', {
      uploadId,
      page: 0,
      fields: ['Email', 'FirstName'],
      rows: members(),
      errors: [],
      unreadableLines: [],
    }),
  );
  const { file } = await expectOk<{ file: { id: string } }>(browser.message('files.commit', { uploadId }));
  return file.id;
}

interface ListedRun {
  id: string;
  status: string;
  waiting: { code: string } | null;
}

async function runsOf(browser: ExtensionBrowser): Promise<ListedRun[]> {
  return (await expectOk<{ runs: ListedRun[] }>(browser.message('runs.list', {}))).runs;
}

async function expectAccessible(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

async function openPopupAt380(browser: ExtensionBrowser, tabId?: number): Promise<Page> {
  const popup = await browser.openPopup(tabId);
  await popup.setViewportSize(POPUP);
  return popup;
}

/** The popup at 380 px: nothing cut off or scrolling sideways, and axe finds nothing serious. */
async function expectPopupFits(popup: Page, what: string) {
  expect(await overflowing(popup), what).toEqual([]);
  await expectAccessible(popup, what);
}

describe.each(['en', 'tr'] as const)('the screens in %s', (language: Locale) => {
  const say = (key: string, ...substitutions: (string | number)[]) =>
    messagesOf(language)(key, substitutions.map(String));
  /** The fixed part of a message before its first placeholder, for texts that end in a date. */
  const start = (key: string) => catalogue(language)[key]!.message.split('$')[0]!.trim();
  let browser: ExtensionBrowser;
  let options: Page;
  let key = '';
  let connectionId = '';
  const exportName = language === 'en' ? 'Loyalty push' : 'Sadakat aktarımı';
  const segmentName = language === 'en' ? 'Loyal members' : 'Sadık üyeler';

  beforeAll(async () => {
    browser = await ExtensionBrowser.launch({
      language,
      hosts: {
        'api.omnisend.com': omnisend.port,
        'home.ci.ai.dynamics.com': ci.port,
        'api.ci.ai.dynamics.com': ci.port,
        'login.microsoftonline.com': ci.port,
      },
    });
    options = await browser.openOptions();
    await options.setViewportSize(WIDE);
    return () => closeCheckingErrors(browser);
  });

  test('first open: the overview shows the three steps to do, each leading to its place, whose empty state says what next', async () => {
    await options.getByRole('heading', { name: say('guideTitle') }).waitFor();
    await expect.poll(() => options.getByText(say('guideStepToDo'), { exact: true }).count()).toBe(3);
    await expectAccessible(options, 'overview');
    await options.setViewportSize(NARROW);
    expect(await overflowing(options), 'overview at 600 px').toEqual([]);
    await options.setViewportSize(WIDE);
    const steps: [string, string, string][] = [
      ['guideConnectTitle', 'navConnections', 'emptyConnectionsBody'],
      ['guideSourceTitle', 'navSources', 'emptySourcesBody'],
      ['guideExportTitle', 'navExports', 'emptyExportsNeedsConnection'],
    ];
    for (const [step, section, next] of steps) {
      await options.getByRole('link', { name: say(step) }).click();
      await options.getByRole('heading', { level: 2, name: say(section) }).waitFor();
      await options.getByText(say(next)).waitFor();
      await expectAccessible(options, section);
      await options.getByRole('link', { name: say('navOverview') }).click();
    }
    await options.getByRole('link', { name: say('navHistory') }).click();
    await options.getByText(say('emptyHistoryBody')).waitFor();
    await expectAccessible(options, 'empty history');
  });

  test('an export added in the form: focus moves into it, the preview says what merges, Save focuses the new row', async () => {
    key = omnisend.addKey().key;
    const saved = await expectOk<{ connection: { id: string } }>(
      browser.message('connections.save', {
        displayName: 'Main store',
        shareWith: 'administrators',
        apiKey: key,
        agreed: true,
        statementVersion: '2026-11',
      }),
    );
    connectionId = saved.connection.id;
    await uploadFile(browser, segmentName);

    await options.getByRole('link', { name: say('navExports') }).click();
    await options.getByText(say('emptyExportsBody')).waitFor();
    await options.getByRole('button', { name: say('exportAdd') }).click();
    const nameField = options.getByLabel(say('exportName'));
    await expect.poll(() => nameField.evaluate((el) => el === document.activeElement)).toBe(true);
    await nameField.fill(exportName);
    await options.getByRole('checkbox', { name: new RegExp(segmentName) }).check();
    const preview = options.getByRole('region', { name: say('previewTitle') });
    await preview.waitFor();
    expect(await preview.getAttribute('tabindex')).toBe('0');
    await preview.getByText(say('previewMergesInto', 2)).waitFor();
    await expectAccessible(options, 'export form with its check and preview');

    await options.getByRole('button', { name: say('actionSave'), exact: true }).click();
    const row = options.getByRole('rowheader', { name: exportName });
    await row.waitFor();
    await expect.poll(() => row.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(options, 'exports table');
    await options.setViewportSize(NARROW);
    expect(await overflowing(options), 'exports as cards at 600 px').toEqual([]);
    await options.setViewportSize(WIDE);

    await options.getByRole('link', { name: say('navOverview') }).click();
    await expect.poll(() => options.getByText(say('guideStepDone'), { exact: true }).count()).toBe(3);
    await options.getByRole('heading', { name: say('guideAllDone') }).waitFor();
  });

  test('during a run the 380 px popup says what the run waits for: a stalled Omnisend within 10 s', async () => {
    omnisend.faults.keepBatchesPending(true);
    const popup = await openPopupAt380(browser);
    try {
      await popup.getByRole('heading', { level: 2, name: say('navExports') }).waitFor();
      await popup.getByRole('button', { name: say('exportRunNowNamed', exportName) }).click();
      await popup.getByRole('progressbar', { name: say('runProgressOf', exportName) }).waitFor();
      await popup.getByText(say('activityWaitingForOmnisend')).waitFor({ timeout: 10_000 });
      await expectPopupFits(popup, 'popup during a run');
      // The options page shows the same push, with the same words.
      await options.getByRole('link', { name: say('navExports') }).click();
      await options.getByText(say('activityWaitingForOmnisend')).waitFor({ timeout: 10_000 });
      await expectAccessible(options, 'exports during a run');
    } finally {
      omnisend.faults.keepBatchesPending(false);
    }
    // Idle with history: the export's last run, its counts that matter, and Run now again.
    const last = popup
      .getByRole('listitem')
      .filter({ has: popup.getByRole('heading', { name: exportName }) });
    await last.getByText(say('runStatusSucceeded')).waitFor({ timeout: 30_000 });
    await last.getByText(say('countsSummary', 29, 1, 0)).waitFor();
    await expect
      .poll(() => popup.getByRole('button', { name: say('exportRunNowNamed', exportName) }).isEnabled())
      .toBe(true);
    await expect.poll(() => popup.getByRole('progressbar').count()).toBe(0);
    await expectPopupFits(popup, 'popup idle with history');
    expect(await popup.getByRole('main').count()).toBe(1);
    await popup.close();
  });

  test('a run that ends at once (nothing changed) shows its end within a second, without reopening anything', async () => {
    await options.getByRole('link', { name: say('navExports') }).click();
    const row = options.getByRole('row', { name: new RegExp(exportName) });
    await row.getByText(say('countsSummary', 29, 1, 0)).waitFor();
    const before = (await runsOf(browser)).length;
    await row.getByRole('button', { name: say('exportRunNowNamed', exportName) }).click();
    // The rerun sends nothing: its counts replace the first run's, and Run now is back, within a second.
    await row.getByText(say('countsSummary', 0, 30, 0)).waitFor({ timeout: 1_000 });
    await expect
      .poll(() => row.getByRole('button', { name: say('exportRunNowNamed', exportName) }).isEnabled(), {
        timeout: 1_000,
      })
      .toBe(true);
    expect(await runsOf(browser)).toHaveLength(before + 1);
  });

  test('a rejected key: the run waits for a new key within a second; Connections, the popup and a notification say so; a new key resumes it', async () => {
    omnisend.revokeKey(key);
    const row = options.getByRole('row', { name: new RegExp(exportName) });
    // Everything is unchanged, so only a full resync asks Omnisend anything.
    options.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: say('exportFullResyncNamed', exportName) }).click();
    await options.getByText(say('activityWaitingForConnection')).waitFor({ timeout: 1_000 });
    expect((await runsOf(browser))[0]).toMatchObject({
      status: 'running',
      waiting: { code: 'omnisend.invalid-api-key' },
    });
    // Chrome holds the notification the worker created (read back as the extension's own).
    const notified = await options.evaluate(async () => {
      const api = (
        globalThis as unknown as {
          chrome: { notifications: { getAll(): Promise<Record<string, unknown>> } };
        }
      ).chrome;
      return Object.keys(await api.notifications.getAll());
    });
    expect(notified).toContain(`run-${(await runsOf(browser))[0]!.id}`);

    await options.getByRole('link', { name: say('navConnections') }).click();
    const connection = options.getByRole('row', { name: /Main store/ });
    await connection.getByText(start('connectionKeyRejected'), { exact: false }).waitFor();
    await expectAccessible(options, 'connections with a rejected key');

    const popup = await openPopupAt380(browser);
    await popup.getByRole('heading', { level: 2, name: say('attentionTitle') }).waitFor();
    await popup.getByText(say('attentionKeyRejected', 'Main store')).waitFor();
    await popup.getByText(say('activityWaitingForConnection')).waitFor();
    await expectPopupFits(popup, 'popup needing attention');
    await popup.close();

    // A new key clears it, and the run goes on by itself to its end.
    await expectOk(
      browser.message('connections.save', {
        id: connectionId,
        displayName: 'Main store',
        shareWith: 'administrators',
        apiKey: omnisend.addKey().key,
        agreed: true,
        statementVersion: '2026-11',
      }),
    );
    expect(await expectOk<{ items: unknown[] }>(browser.message('attention.list', {}))).toEqual({
      items: [],
    });
    await expect.poll(async () => (await runsOf(browser))[0]?.status, { timeout: 10_000 }).toBe('succeeded');
  });

  test('on a Customer Insights segment page the 380 px popup shows the segment and Export now', async () => {
    const { environment } = await expectOk<{ environment: { id: string } }>(
      browser.message('customer-insights.environments.save', {
        route: 'data-api',
        environmentId: ci.environmentId,
        tenant: 'organizations',
        clientId: CLIENT_ID,
        subscriptionKey: ci.subscriptionKey,
      }),
    );
    await expectOk(browser.message('customer-insights.environments.signIn', { id: environment.id }));
    const page = await browser.context.newPage();
    await page.goto(ci.segmentPageUrl('Male_under_40'));
    await page.bringToFront();
    const tabId = await browser.activeTabId();
    const popup = await openPopupAt380(browser, tabId);
    await popup.getByRole('heading', { level: 2, name: 'Male under 40' }).waitFor({ timeout: 15_000 });
    await popup.getByRole('button', { name: say('popupExportNow') }).waitFor();
    await expectPopupFits(popup, 'popup on a segment page');
    await popup.close();
    await page.close();
  });

  test('History, a run’s details, Sources and Settings pass axe, and fit 600 px without sideways scrolling', async () => {
    await options.bringToFront();
    for (const section of ['navHistory', 'navSources', 'navSettings', 'navConnections']) {
      await options.getByRole('link', { name: say(section) }).click();
      await options.getByRole('heading', { level: 2, name: say(section) }).waitFor();
      if (section === 'navSources')
        await options.getByRole('row', { name: new RegExp(segmentName) }).waitFor();
      await expectAccessible(options, section);
      await options.setViewportSize(NARROW);
      expect(await overflowing(options), `${section} at 600 px`).toEqual([]);
      await options.setViewportSize(WIDE);
    }
    await options.getByRole('link', { name: say('navHistory') }).click();
    await options
      .getByRole('button', { name: say('historyDetailsNamed', exportName) })
      .first()
      .click();
    await options.getByRole('heading', { name: say('runDetailsTitle', exportName) }).waitFor();
    // The newest run: the one that waited for a new key and then went on to its end.
    await options.getByText(new RegExp(`^${say('runStatusSucceeded')} · `)).waitFor();
    await expectAccessible(options, 'run details');
  });
});
