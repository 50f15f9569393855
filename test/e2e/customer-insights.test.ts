import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { normalizeEmail } from '../../src/core/mapping/normalize-email.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../sandbox/customer-insights/index.ts';
import { segmentMembers } from '../sandbox/customer-insights/profiles.ts';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { seriousViolations } from '../support/axe.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import {
  addCustomerInsightsEnvironment,
  addDataverseEnvironment,
  previewChanges,
} from '../support/ui-flows.ts';
import { addConnection, addExport } from './export-flow.ts';

const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
/** How the sandbox's tokens look: an unsigned JWT header, and `rt.` refresh tokens. */
const ACCESS_TOKEN = /eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0/;
const REFRESH_TOKEN = /\brt\.[A-Za-z0-9_-]{32}/;

let ci: CustomerInsightsSandbox;
let omnisend: Awaited<ReturnType<typeof startOmnisendSandbox>>;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  ci = await startCustomerInsightsSandbox();
  omnisend = await startOmnisendSandbox({ batchProcessingDelayMs: 20, tagApplyDelayMs: 10 });
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await Promise.all([ci.close(), omnisend.close()]);
});

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

/** Every host of the Customer Insights sandbox (web app, Data API, Entra ID, each Dataverse organisation) and Omnisend. */
async function launch() {
  return ExtensionBrowser.launch({
    hosts: {
      ...Object.fromEntries(ci.hosts.map((host) => [host, ci.port])),
      'api.omnisend.com': omnisend.port,
    },
  });
}

/** The shared flow, plus what this suite checks on the way: the redirect URI and the segment count. */
async function addEnvironmentAndSignIn(page: Page, environmentId: string) {
  await addCustomerInsightsEnvironment(page, {
    id: environmentId,
    subscriptionKey: ci.subscriptionKey,
    clientId: CLIENT_ID,
    displayName: 'Contoso Retail (Production)',
  });
  await page.getByText(/Signed in to Contoso Retail \(Production\): 6 segments found/).waitFor();
  await page.getByRole('button', { name: 'Add Customer Insights environment' }).click();
  expect(await page.getByLabel('Redirect URI').inputValue()).toMatch(
    /^https:\/\/[a-p]{32}\.chromiumapp\.org\/$/,
  );
  await page.getByRole('button', { name: 'Cancel' }).click();
}

/** The id of the tab `page` is in, asked from an extension page. */
async function tabIdOf(browser: ExtensionBrowser, page: Page): Promise<number> {
  const helper = await browser.openOptions('helper');
  await page.bringToFront();
  return helper.evaluate(async () => {
    const chromeApi = (
      globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number }[]> } } }
    ).chrome;
    const [tab] = await chromeApi.tabs.query({ active: true, currentWindow: true });
    return tab!.id;
  });
}

/** Every member of the segment with a usable email, normalised as Omnisend keeps it. */
function expectedEmails(name: string): Set<string> {
  const segment = ci.segments.find((x) => x.name === name)!;
  const expected = new Set<string>();
  for (const profile of segmentMembers(segment)) {
    const email = normalizeEmail(profile.EmailAddress ?? '');
    if (email.ok) expected.add(email.value);
  }
  return expected;
}

/** A secret is nowhere a page, the extension's storage or its console could show it. */
async function expectNoSecrets(browser: ExtensionBrowser, pages: Page[], secrets: (string | RegExp)[]) {
  const texts = [await browser.storageDump(), browser.consoleLines.join('\n')];
  for (const page of pages) texts.push(await page.content());
  for (const text of texts) {
    for (const secret of secrets) {
      if (typeof secret === 'string') expect(text).not.toContain(secret);
      else expect(text).not.toMatch(secret);
    }
  }
}

describe('Customer Insights in the browser', () => {
  test('signs in from Sources, shows the segment page in the popup, follows in-app navigation and exports it', async () => {
    browser = await launch();
    await addConnection(browser, omnisend.apiKey);
    const options = await browser.openOptions();
    await addEnvironmentAndSignIn(options, ci.environmentId);

    const app = await browser.context.newPage();
    await app.goto(ci.segmentPageUrl('HighValueCustomers'));
    const tabId = await tabIdOf(browser, app);
    const popup = await browser.openPopup(tabId);
    await popup.getByRole('heading', { name: 'High-value customers' }).waitFor();
    await popup.getByText('250', { exact: true }).waitFor();
    await popup.getByText(/No export includes this segment yet/).waitFor();

    // In-app navigation (history API, no page load) to another segment changes the popup.
    const appNav = app.getByRole('complementary', { name: 'Navigation' });
    await appNav.getByRole('link', { name: 'Segments' }).click();
    await app.getByRole('link', { name: 'Male under 40' }).click();
    await popup.getByRole('heading', { name: 'Male under 40' }).waitFor();
    await popup.getByText('1,200', { exact: true }).waitFor();
    await appNav.getByRole('link', { name: 'Measures' }).click();
    await popup.getByText('No segment of this environment is shown on this page', { exact: false }).waitFor();
    await app.goBack();
    await popup.getByRole('heading', { name: 'Male under 40' }).waitFor();

    // "Export now" creates the export with the suggested mapping in one step and runs it.
    await popup.getByRole('button', { name: 'Export now' }).click();
    const covering = popup.getByRole('list', { name: 'Exports of this segment' });
    await covering.getByText('Male under 40', { exact: true }).waitFor();
    await covering.getByText(/Successful/).waitFor({ timeout: 60_000 });
    // Exactly the segment's members with a usable email, once each, whatever their spelling.
    const tagged = omnisend.inspect.contacts().filter((c) => c.tags.includes('Male under 40'));
    expect(new Set(tagged.map((c) => c.email))).toEqual(expectedEmails('Male_under_40'));
    expect(omnisend.inspect.welcomeMessages()).toEqual([]);

    // "Preview changes" beside "Export now": right after the run, it would change nothing.
    omnisend.inspect.clear();
    const { count } = await previewChanges(popup);
    expect(await count('Contacts unchanged')).toBe(
      String(expectedEmails('Male_under_40').size.toLocaleString('en')),
    );
    expect(await count('Contacts created')).toBe('0');
    expect(await count('Tags added')).toBe('0');
    expect(omnisend.inspect.requests().filter((r) => r.method !== 'GET')).toEqual([]);

    // The subscription key and the tokens are nowhere a page, the storage or the console could show them.
    await expectNoSecrets(browser, [options, popup], [ci.subscriptionKey, ACCESS_TOKEN, REFRESH_TOKEN]);
  });

  test('forgets the segment as soon as its tab leaves the page, and keeps it through in-app address changes', async () => {
    browser = await launch();
    const app = await browser.context.newPage();
    await app.goto(ci.segmentPageUrl('HighValueCustomers'));
    const tabId = await tabIdOf(browser, app);
    const popup = await browser.openPopup(tabId);
    const notSetUp = popup.getByText(new RegExp(`environment ${ci.environmentId} is not set up`));
    await notSetUp.waitFor();
    // The app changes its address without a new page or a new render: still the same segment.
    await app.evaluate(() => history.pushState(null, '', `${location.pathname}?tab=members`));
    await expect
      .poll(async () => browser!.message('tab.context', { tabId }), { timeout: 10_000 })
      .toMatchObject({
        ok: true,
        data: {
          page: { guids: [ci.environmentId], address: expect.arrayContaining(['HighValueCustomers']) },
        },
      });
    await notSetUp.waitFor();
    // Another site in the same tab: the old page's words go and the popup lists the exports (none yet).
    await app.goto('https://login.microsoftonline.com/');
    await popup.getByText('No exports yet', { exact: false }).waitFor();
    await notSetUp.waitFor({ state: 'detached' });
    expect(await browser.message('tab.context', { tabId })).toEqual({ ok: true, data: { page: null } });
  });

  test('offers Sources, pre-filled, for a segment page of an environment that is not set up', async () => {
    browser = await launch();
    const app = await browser.context.newPage();
    await app.goto(ci.segmentPageUrl('Test_segment', ci.environments[1]!.id));
    const popup = await browser.openPopup(await tabIdOf(browser, app));
    await popup.getByText(/is not set up in this extension yet/).waitFor();
    const opened = browser.context.waitForEvent('page');
    await popup.getByRole('button', { name: 'Open Sources' }).click();
    const sources = await opened;
    await sources.getByRole('heading', { name: 'Add Customer Insights environment' }).waitFor();
    expect(await sources.getByLabel('Environment ID').inputValue()).toBe(ci.environments[1]!.id);
  });
});

const ORG_HOST = 'contoso.crm4.dynamics.com';

/** Whether the extension holds the organisation's origin, asked from an extension page. */
async function holdsOrigin(browser: ExtensionBrowser, origin: string): Promise<boolean> {
  const page = await browser.openOptions('helper');
  const held = await page.evaluate(
    (pattern) =>
      (
        globalThis as unknown as { chrome: { permissions: { contains(p: object): Promise<boolean> } } }
      ).chrome.permissions.contains({ origins: [pattern] }),
    `${origin}/*`,
  );
  await page.close();
  return held;
}

describe('Customer Insights through Dataverse in the browser', () => {
  test('adds a Dataverse environment, grants its organisation, signs in and exports a segment from its page', async () => {
    ci.inspect.clear();
    browser = await launch();
    await addConnection(browser, omnisend.apiKey);
    const options = await browser.openOptions();
    // Installed without the organisation: only asked for it now, and only for it.
    expect(await holdsOrigin(browser, ci.orgUrl())).toBe(false);
    await browser.grantSiteAccess(ci.orgUrl());
    await addDataverseEnvironment(options, {
      id: ci.environmentId,
      pastedUrl: `${ci.orgUrl()}/main.aspx?appid=5e6f7a8b-0000-4000-8000-000000000001&pagetype=entitylist`,
      clientId: CLIENT_ID,
      host: ORG_HOST,
    });
    expect(await holdsOrigin(browser, ci.orgUrl())).toBe(true);
    expect(await holdsOrigin(browser, 'https://contoso-test.crm.dynamics.com')).toBe(false);
    await options.getByText(/Open a segment in Customer Insights, or add one by its output name/).waitFor();

    // A page of the app's other route shape: environment and segment only in query values.
    const app = await browser.context.newPage();
    await app.goto(ci.segmentPageUrl('Male_under_40', ci.environmentId, 'detail'));
    const popup = await browser.openPopup(await tabIdOf(browser, app));
    await popup.getByRole('heading', { name: 'Male under 40' }).waitFor();
    await popup.getByText('1,200', { exact: true }).waitFor();
    await popup.getByText('Not published through Dataverse').waitFor();

    await popup.getByRole('button', { name: 'Export now' }).click();
    const covering = popup.getByRole('list', { name: 'Exports of this segment' });
    await covering.getByText(/Successful/).waitFor({ timeout: 60_000 });
    const tagged = omnisend.inspect.contacts().filter((c) => c.tags.includes('Male under 40'));
    expect(new Set(tagged.map((c) => c.email))).toEqual(expectedEmails('Male_under_40'));
    // Read through Dataverse alone: the deprecated Data API was never asked.
    expect(ci.inspect.requests().some((r) => r.host === 'api.ci.ai.dynamics.com')).toBe(false);

    // Sources lists the segment the page taught it, with its count; the schedule cannot follow refreshes.
    await options.reload();
    const known = options.getByRole('table', { name: `Segments of ${ORG_HOST}` });
    await known.getByRole('row', { name: /Male under 40 Male_under_40 1,200/ }).waitFor();
    expect(await seriousViolations(options), 'Sources with a Dataverse environment').toEqual([]);
    await options.getByRole('link', { name: 'Exports' }).click();
    await options.getByRole('button', { name: 'Edit Male under 40' }).click();
    const when = options.getByLabel('When to run');
    await expect.poll(() => when.locator('option[value="after-refresh"]').isDisabled()).toBe(true);

    await expectNoSecrets(browser, [options, popup], [ACCESS_TOKEN, REFRESH_TOKEN]);
  });

  test('notices access taken back in chrome://extensions, and goes on once it is given again', async () => {
    browser = await launch();
    const options = await browser.openOptions();
    await browser.grantSiteAccess(ci.orgUrl());
    await addDataverseEnvironment(options, {
      id: ci.environmentId,
      pastedUrl: ci.orgUrl(),
      clientId: CLIENT_ID,
      host: ORG_HOST,
    });
    await browser.revokeSiteAccess(ci.orgUrl());
    const allow = options.getByRole('button', { name: `Allow access to ${ORG_HOST}` });
    await allow.waitFor();
    expect(await holdsOrigin(browser, ci.orgUrl())).toBe(false);

    const app = await browser.context.newPage();
    await app.goto(ci.segmentPageUrl('HighValueCustomers'));
    const popup = await browser.openPopup(await tabIdOf(browser, app));
    await popup.getByText(`Allow this extension to reach ${ORG_HOST}`, { exact: false }).waitFor();
    await popup.getByRole('heading', { name: 'Needs attention' }).waitFor();
    await popup.getByText(`The extension may not reach ${ORG_HOST}`, { exact: false }).waitFor();
    expect(await seriousViolations(popup), 'popup wanting access').toEqual([]);
    expect(await seriousViolations(options), 'Sources wanting access').toEqual([]);

    // Given back where it was taken: an origin the extension asked for before is active again at once.
    await browser.grantSiteAccess(ci.orgUrl());
    await allow.waitFor({ state: 'detached' });
    expect(await holdsOrigin(browser, ci.orgUrl())).toBe(true);
    await popup.reload();
    await popup.getByRole('heading', { name: 'High-value customers' }).waitFor();
  });
});

describe('the schedule “After each source refresh”', () => {
  test('runs the export once after Customer Insights reports a new refresh of the segment', async () => {
    browser = await launch();
    const key = omnisend.addKey({}, omnisend.brandId).key;
    await addConnection(browser, key);
    const page = await browser.openOptions('sources');
    await addEnvironmentAndSignIn(page, ci.environmentId);
    await addExport(page, 'VIP after refresh', 'Yeni müşteriler & VIP', 'after-refresh');
    // Saving looks at the segment once and only remembers its last refresh: nothing runs.
    await expect.poll(async () => (await browser!.readStore('schedules')).length).toBe(1);
    expect(await browser.readStore('runs')).toEqual([]);

    ci.control.refreshSegment('New_customers_VIP');
    // The worker looks again at its next start (and every 15 minutes while it runs).
    await browser.stopWorker();
    expect(await browser.message('status')).toMatchObject({ ok: true });
    await expect
      .poll(async () => (await browser!.readStore('runs')).map((r) => (r as { status: string }).status), {
        timeout: 60_000,
      })
      .toEqual(['succeeded']);
    const runs = (await browser.readStore('runs')) as { trigger: string }[];
    expect(runs.map((r) => r.trigger)).toEqual(['source-refresh']);

    // No new refresh, no new run: the next worker start looks at the segment again (and sets the
    // next look) without starting one.
    const nextLook = async () =>
      ((await browser!.readStore('schedules'))[0] as { nextDueAt: number }).nextDueAt;
    const lookedAt = await nextLook();
    await browser.stopWorker();
    expect(await browser.message('status')).toMatchObject({ ok: true });
    await expect.poll(nextLook, { timeout: 30_000 }).toBeGreaterThan(lookedAt);
    expect(await browser.readStore('runs')).toHaveLength(1);
  });
});
