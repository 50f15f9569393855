import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { buildExtension, repoRoot } from '../support/build-extension.ts';
import { ExtensionBrowser } from '../support/extension-browser.ts';
import {
  addDataverseEnvironment,
  addExport,
  connectOmnisend,
  uploadSegment,
  waitForExportStatus,
} from '../support/ui-flows.ts';
import { demoSegmentCsv } from './demo-segment.ts';

/**
 * `npm start`: the product's main job on its embedded default. Builds the extension, starts the
 * local Omnisend and Customer Insights sandboxes on the real host names, and opens Chromium with
 * the extension. Without a display it does the main job itself, headless — connect Omnisend,
 * upload a segment file, map it, run the export, read History — saving screenshots and saying
 * what it did. With a display it sets up the connection and leaves the browser to you.
 */
const headless = !process.env.DISPLAY || process.env.HEADLESS === '1';
const members = Number(process.env.DEMO_MEMBERS ?? 5_000);
const shots = resolve(repoRoot, '.artifacts/demo');
/** `README_SCREENSHOTS=1 npm start` also refreshes the screenshots the README shows, in both languages. */
const readmeShots =
  process.env.README_SCREENSHOTS === '1' ? resolve(repoRoot, 'test/demo/screenshots') : null;
const say = (line: string) => console.log(`• ${line}`);
/** Any GUID does: the sandbox's Entra ID accepts every application id. */
const DEMO_CLIENT_ID = '11111111-2222-4333-8444-555555555555';

say('Building the extension (dist/)…');
await buildExtension();

const omnisend = await startOmnisendSandbox();
const customerInsights = await startCustomerInsightsSandbox();
say(`Omnisend sandbox on 127.0.0.1:${omnisend.port} (real rate limits), brand “${omnisend.brands[0]?.name}”`);
say(
  `Customer Insights sandbox on 127.0.0.1:${customerInsights.port} (web app, Dataverse, Data API, Entra ID)`,
);

let browser = await ExtensionBrowser.launch({
  headless,
  hosts: {
    'api.omnisend.com': omnisend.port,
    ...Object.fromEntries(customerInsights.hosts.map((host) => [host, customerInsights.port])),
  },
});
say(`Chromium started ${headless ? 'headless' : 'with a window'} with the extension ${browser.extensionId}`);

async function shoot(page: Page, name: string) {
  const path = resolve(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  say(`  screenshot ${path}`);
}

/** A README screenshot: the visible window only, at its real size, kept small. */
async function readmeShot(page: Page, name: string) {
  if (!readmeShots) return;
  const path = resolve(readmeShots, `${name}.png`);
  await page.screenshot({ path });
  say(`  README screenshot ${path}`);
}

async function shutdown(code: number) {
  await browser.close();
  await Promise.all([omnisend.close(), customerInsights.close()]);
  process.exit(code);
}

const options = await browser.openOptions('connections');
await connectOmnisend(options, 'Demo store', omnisend.apiKey);
say('Options › Connections: added “Demo store” (Connect checked the key, “I agree” ticked, Save)');

if (!headless) {
  const ci = await browser.context.newPage();
  await ci.goto(customerInsights.segmentPageUrl(customerInsights.segments[0]!.name));
  say('The options page and a Customer Insights segment page are open. Press Ctrl-C to stop.');
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
} else {
  mkdirSync(shots, { recursive: true });
  await shoot(options, '01-connection');

  await uploadSegment(options, 'Türkiye loyalty members', demoSegmentCsv(members));
  say(`Options › Sources: uploaded a segment file of ${members.toLocaleString()} members (with dirty data)`);
  await shoot(options, '02-segment-file');

  await addExport(options, 'Loyalty to Omnisend', 'Türkiye loyalty members');
  say('Options › Exports: “Loyalty to Omnisend” with the suggested mapping, tag and Mirror mode');
  await options.getByRole('button', { name: 'Run now: Loyalty to Omnisend' }).click();
  await options.getByRole('progressbar').first().waitFor();
  await shoot(options, '03-export-running');
  const started = Date.now();
  await waitForExportStatus(options, 'Loyalty to Omnisend', 'Successful');
  say(`Run now: the export ran to “Successful” in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await shoot(options, '04-export-done');

  await options.getByRole('link', { name: 'History' }).click();
  await options.getByRole('button', { name: 'Details of the run of Loyalty to Omnisend' }).click();
  await options.getByRole('heading', { name: /Contacts not sent/ }).waitFor();
  const count = async (name: string) => options.locator(`[data-count="${name}"]`).textContent();
  say(
    `History › details: read ${await count('read')}, sent ${await count('sent')}, created ${await count('created')}, ` +
      `tagged ${await count('tagged')}, not sent ${await count('rejected')} (grouped by reason, downloadable as CSV)`,
  );
  await shoot(options, '05-history');

  await omnisend.inspect.whenIdle();
  const tagged = omnisend.inspect.contacts().filter((c) => c.tags.includes('Turkiye loyalty members'));
  say(
    `Omnisend sandbox: ${omnisend.inspect.contactCount()} contacts, ${tagged.length} tagged “Turkiye loyalty members”, ` +
      `${omnisend.inspect.count429()} rate-limit answers, ${omnisend.inspect.welcomeMessages().length} welcome messages, ` +
      `${omnisend.inspect.contractViolations().length} contract violations`,
  );

  const environment = customerInsights.environments[0]!;
  // Headless Chromium cannot show its permission prompt; the grant a user makes is made for them.
  await browser.grantSiteAccess(customerInsights.orgUrl());
  await addDataverseEnvironment(options, {
    id: environment.id,
    pastedUrl: `${customerInsights.orgUrl()}/main.aspx?pagetype=entitylist`,
    clientId: DEMO_CLIENT_ID,
    host: environment.orgHost,
  });
  say(
    `Options › Sources: added “${environment.displayName}” read through Dataverse (${environment.orgHost}), allowed that organisation and signed in`,
  );
  await shoot(options, '06-customer-insights-source');

  const ci = await browser.context.newPage();
  await ci.goto(customerInsights.segmentPageUrl(customerInsights.segments[0]!.name));
  say(`Opened a Customer Insights segment page: ${ci.url()}`);
  await shoot(ci, '07-customer-insights-page');
  await ci.bringToFront();
  const tabId = await browser.activeTabId();
  const popup = await browser.openPopup(tabId);
  await popup.setViewportSize({ width: 380, height: 480 });
  await popup.getByRole('heading', { level: 1 }).waitFor();
  await popup.getByRole('button', { name: 'Export now' }).waitFor();
  say(
    `Popup on the segment page: ${((await popup.locator('.page-segment').textContent()) ?? '').replace(/\s+/g, ' ').trim()}`,
  );
  await shoot(popup, '08-popup');
  await popup.getByRole('button', { name: 'Export now' }).click();
  const segmentName = customerInsights.segments[0]!.displayName;
  await options.getByRole('link', { name: 'Exports' }).click();
  await waitForExportStatus(options, segmentName, 'Successful');
  say(`Popup › Export now: created the export “${segmentName}” in one step and ran it to “Successful”`);
  await shoot(options, '09-exports');

  if (readmeShots) await readmeScreens();

  if (browser.errors.length) {
    console.error(`The extension reported errors:\n${browser.errors.join('\n')}`);
    await shutdown(1);
  }
  say(`Done. Screenshots are in ${shots}`);
  await shutdown(0);
}

/**
 * The README's screenshots: the overview, the exports and the popup (off and on a segment page),
 * in English, then the same profile started again in Turkish.
 */
async function readmeScreens() {
  mkdirSync(readmeShots!, { recursive: true });
  for (const language of ['en', 'tr'] as const) {
    if (language === 'tr') browser = await browser.restart({ language });
    const page = await browser.openOptions();
    await page.setViewportSize({ width: 1100, height: 720 });
    await page.locator('.step--done').nth(2).waitFor();
    await readmeShot(page, `${language}-overview`);
    await page.goto(`${browser.origin}/options.html#exports`);
    await page.locator('tbody tr').nth(1).waitFor();
    await readmeShot(page, `${language}-exports`);
    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 380, height: 560 });
    await popup.locator('.export-cards li').nth(1).waitFor();
    await readmeShot(popup, `${language}-popup`);
    const ci = await browser.context.newPage();
    await ci.goto(customerInsights.segmentPageUrl(customerInsights.segments[0]!.name));
    await ci.bringToFront();
    const tabId = await browser.activeTabId();
    const segmentPopup = await browser.openPopup(tabId);
    await segmentPopup.setViewportSize({ width: 380, height: 560 });
    await segmentPopup.locator('.page-segment h2').waitFor();
    await readmeShot(segmentPopup, `${language}-popup-segment-page`);
  }
}
