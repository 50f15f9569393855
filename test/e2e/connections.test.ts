import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startCustomerInsightsSandbox } from '../sandbox/customer-insights/index.ts';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { storedExport } from './export-flow.ts';

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;
type CustomerInsightsSandbox = Awaited<ReturnType<typeof startCustomerInsightsSandbox>>;

let omnisend: OmnisendSandbox;
let customerInsights: CustomerInsightsSandbox;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  omnisend = await startOmnisendSandbox();
  customerInsights = await startCustomerInsightsSandbox();
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await omnisend.close();
  await customerInsights.close();
});

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

function hosts(omnisendPort = omnisend.port) {
  return {
    'api.omnisend.com': omnisendPort,
    'home.ci.ai.dynamics.com': customerInsights.port,
    'api.ci.ai.dynamics.com': customerInsights.port,
    'login.microsoftonline.com': customerInsights.port,
  };
}

async function fillConnection(page: Page, name: string, key: string) {
  await page.getByRole('button', { name: 'Add connection' }).click();
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('API key', { exact: true }).fill(key);
}

describe('Connections', () => {
  test('an administrator connects a key, sees the brand, agrees and saves; the key is then nowhere', async () => {
    browser = await ExtensionBrowser.launch({ hosts: hosts() });
    const page = await browser.openOptions('connections');
    const replies = await ExtensionBrowser.recordReplies(page);
    await fillConnection(page, 'Main store', omnisend.apiKey);
    const save = page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(/Connected to the Omnisend brand/).waitFor();
    expect(await save.isDisabled()).toBe(true);
    // Whether runs may use the key while locked follows who can use it, until the administrator chooses.
    const lockedRuns = page.getByRole('checkbox', { name: 'Allow scheduled runs while locked' });
    expect(await lockedRuns.isChecked()).toBe(false);
    await page.getByRole('radio', { name: 'Administrators and contributors' }).check();
    expect(await lockedRuns.isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'I agree' }).check();
    await save.click();

    const row = page.getByRole('row', { name: /Main store/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`••••${omnisend.apiKey.slice(-4)}`);
    expect(await row.textContent()).toContain('Administrators and contributors');
    // No listing of the brand's contacts yet: the column says when there will be one.
    expect(await row.locator('[data-snapshot]').textContent()).toBe(
      'Not read yet – the next run or preview reads them',
    );

    const [stored] = await browser.readStore('connections');
    expect(stored).toMatchObject({
      displayName: 'Main store',
      allowLockedRuns: true,
      consent: { statementVersion: expect.any(String) },
    });

    // The key appears nowhere but in the encrypted vault.
    expect(await page.content()).not.toContain(omnisend.apiKey);
    expect(await browser.storageDump()).not.toContain(omnisend.apiKey);
    expect(await replies()).not.toContain(omnisend.apiKey);
    expect(browser.consoleLines.join('\n')).not.toContain(omnisend.apiKey);
  });

  test('a rejected key gets a clear message and nothing is saved', async () => {
    browser = await ExtensionBrowser.launch({ hosts: hosts() });
    const page = await browser.openOptions('connections');
    await fillConnection(page, 'Wrong', 'not-a-real-key-0000');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('alert').getByText('Omnisend rejected the API key').waitFor();
    await page.getByRole('checkbox', { name: 'I agree' }).check();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await browser.readStore('connections')).toEqual([]);
  });

  test('without network to Omnisend, Connect says so', async () => {
    browser = await ExtensionBrowser.launch({ hosts: hosts(1) });
    const page = await browser.openOptions('connections');
    await fillConnection(page, 'Offline', omnisend.apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('alert').getByText('Omnisend could not be reached').waitFor();
    expect(await browser.readStore('connections')).toEqual([]);
  });

  test('removal is refused while an export uses the connection; Detach and remove deletes the secret', async () => {
    browser = await ExtensionBrowser.launch({ hosts: hosts() });
    const page = await browser.openOptions('connections');
    await fillConnection(page, 'Shop', omnisend.apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(/Connected to the Omnisend brand/).waitFor();
    await page.getByRole('checkbox', { name: 'I agree' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Shop/ }).waitFor();
    const [connection] = (await browser.readStore('connections')) as { id: string }[];

    // An export that uses it, written as the worker stores one.
    await browser.putRecords('exports', [storedExport({ name: 'Weekly VIP', connectionId: connection!.id })]);
    expect(await browser.message('connections.remove', { id: connection!.id })).toMatchObject({
      ok: false,
      error: { code: 'connection-in-use', details: ['Weekly VIP'] },
    });

    await page.reload();
    await page.getByRole('button', { name: 'Remove Shop' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Weekly VIP').waitFor();
    await dialog.getByRole('button', { name: 'Detach and remove' }).click();
    await page.getByText('No connections yet').waitFor();
    expect(await browser.readStore('connections')).toEqual([]);
    expect(await browser.storageDump()).not.toContain(`secret:${connection!.id}`);
    expect(await browser.readStore('exports')).toMatchObject([{ id: 'e1', connectionId: null }]);
  });

  test('as contributor, administrator-only connections are invisible and forbidden messages are refused', async () => {
    browser = await ExtensionBrowser.launch({ hosts: hosts() });
    for (const [name, share] of [
      ['Private brand', 'administrators'],
      ['Shared brand', 'administrators-and-contributors'],
    ] as const) {
      expect(
        await browser.message('connections.save', {
          displayName: name,
          shareWith: share,
          apiKey: omnisend.apiKey,
          agreed: true,
          statementVersion: '2026-11',
        }),
      ).toMatchObject({ ok: true });
    }

    const settings = await browser.openOptions('settings');
    await settings.getByLabel('New passphrase', { exact: true }).fill('correct horse battery');
    await settings.getByLabel('Repeat the new passphrase').fill('correct horse battery');
    await settings.getByRole('button', { name: 'Set passphrase' }).click();
    await settings.getByText('The administrator passphrase is saved.').waitFor();
    await settings.getByRole('button', { name: 'Lock administrator' }).click();
    await settings.getByRole('button', { name: 'Unlock administrator' }).waitFor();

    const page = await browser.openOptions('connections');
    await page.getByText('Only administrators can add or change connections.').waitFor();
    await page.getByRole('row', { name: /Shared brand/ }).waitFor();
    expect(await page.getByText('Private brand').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add connection' }).count()).toBe(0);

    const [shared] = (await browser.readStore('connections')) as { id: string }[];
    expect(await browser.message('connections.remove', { id: shared!.id })).toMatchObject({
      ok: false,
      error: { code: 'administrator-only' },
    });
    expect(await browser.message('data.deleteAll', { confirm: 'delete all data' })).toMatchObject({
      ok: false,
      error: { code: 'administrator-only' },
    });

    const ci = await browser.context.newPage();
    await ci.goto(customerInsights.segmentPageUrl(customerInsights.segments[0]!.name));
    expect(
      await browser.messageFromContentScript(ci, { type: 'connections.list', payload: {} }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await browser.readStore('connections')).toHaveLength(2);

    await settings.getByRole('textbox', { name: 'Administrator passphrase' }).fill('correct horse battery');
    await settings.getByRole('button', { name: 'Unlock administrator' }).click();
    await settings.getByRole('button', { name: 'Lock administrator' }).waitFor();
    await page.reload();
    await page.getByRole('row', { name: /Private brand/ }).waitFor();
  });
});
