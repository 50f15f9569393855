import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { buildExtension, repoRoot } from '../support/build-extension.ts';
import { ExtensionBrowser } from '../support/extension-browser.ts';

/**
 * `npm start`: the product on its embedded default. Builds the extension, starts the local
 * sandboxes on the real host names, and opens Chromium with the extension. With a display it stays
 * open for you; without one it walks the screens headless, saves screenshots and says what it did.
 */
const headless = !process.env.DISPLAY || process.env.HEADLESS === '1';
const shots = resolve(repoRoot, '.artifacts/demo');
const say = (line: string) => console.log(`• ${line}`);

say('Building the extension (dist/)…');
const dist = await buildExtension();
say(`Built ${dist}`);

const customerInsights = await startCustomerInsightsSandbox();
say(`Customer Insights sandbox on 127.0.0.1:${customerInsights.port} (home, api and login hosts)`);

const browser = await ExtensionBrowser.launch({
  headless,
  hosts: {
    'home.ci.ai.dynamics.com': customerInsights.port,
    'api.ci.ai.dynamics.com': customerInsights.port,
    'login.microsoftonline.com': customerInsights.port,
  },
});
say(`Chromium started ${headless ? 'headless' : 'with a window'}; extension id ${browser.extensionId}`);

async function shoot(page: Page, name: string) {
  const path = resolve(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  say(`  screenshot ${path}`);
}

const segment = customerInsights.segments[0]!;
const ci = await browser.context.newPage();
await ci.goto(customerInsights.segmentPageUrl(segment.name));
say(`Opened the segment page “${segment.displayName}”: ${ci.url()}`);

if (!headless) {
  await browser.openOptions();
  say('The options page and a Customer Insights segment page are open. Press Ctrl-C to stop.');
  const stop = async () => {
    await browser.close();
    await customerInsights.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  mkdirSync(shots, { recursive: true });
  await shoot(ci, '01-segment-page');
  const options = await browser.openOptions();
  for (const section of ['connections', 'exports', 'sources', 'history', 'settings']) {
    await options.goto(`${browser.origin}/options.html#${section}`);
    await options.getByRole('heading', { level: 2 }).first().waitFor();
    say(`Options › ${await options.getByRole('heading', { level: 2 }).first().textContent()}`);
    await shoot(options, `02-options-${section}`);
  }
  await ci.bringToFront();
  const tabId = await options.evaluate(async () => {
    const api = (
      globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number }[]> } } }
    ).chrome;
    return (await api.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  });
  const popup = await browser.openPopup(tabId);
  await popup.setViewportSize({ width: 380, height: 420 });
  await popup.getByRole('heading', { level: 1 }).waitFor();
  await popup.getByText(segment.displayName).first().waitFor({ timeout: 10_000 });
  say(`Popup for the segment tab: ${(await popup.locator('.popup__page').textContent())?.trim()}`);
  await shoot(popup, '03-popup-on-segment-page');
  const status = await browser.message('status');
  say(`Worker status: ${JSON.stringify(status)}`);
  const failures = browser.errors;
  await browser.close();
  await customerInsights.close();
  if (failures.length) {
    console.error(`The extension reported errors:\n${failures.join('\n')}`);
    process.exit(1);
  }
  say(`Done. Screenshots are in ${shots}`);
}
