import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { previewChanges } from '../support/ui-flows.ts';
import { addConnection, runStatus, segmentCsv, uploadSegment } from './export-flow.ts';

let omnisend: Awaited<ReturnType<typeof startOmnisendSandbox>>;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  omnisend = await startOmnisendSandbox({ batchProcessingDelayMs: 20, tagApplyDelayMs: 10 });
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await omnisend.close();
});

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

const ROWS = 200;
const VALID = ROWS - ROWS / 50;

describe('Preview changes', () => {
  test('from the export form: what the run would do, nothing sent, lists to download, then the run does it', async () => {
    // 49 members of the file are in Omnisend already (member49's row has no valid email), one with a
    // first name the run would change.
    for (let i = 0; i < 50; i++)
      omnisend.seedContact({ email: `member${i}@example.com`, tags: ['Newsletter'] });
    omnisend.seedContact({ email: 'member0@example.com', firstName: 'Old name' });
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, omnisend.apiKey);
    const page = await browser.openOptions('exports');
    await uploadSegment(page, 'Preview members', segmentCsv(ROWS));
    await page.getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('button', { name: 'Add export' }).click();
    await page.getByLabel('Export name').fill('Preview push');
    await page.getByRole('checkbox', { name: /Preview members/ }).check();
    await page.getByRole('heading', { name: /Preview of the first rows/ }).waitFor();

    omnisend.inspect.clear();
    const { figures, count } = await previewChanges(page);
    expect(await count('Contacts created')).toBe(String(VALID - 49));
    expect(await count('Contacts updated')).toBe('49');
    expect(await count('Tags added')).toBe(String(VALID));
    expect(await count('Rows skipped')).toBe(String(ROWS / 50));
    const sample = page.getByRole('table', { name: 'Field changes for a sample of updated contacts' });
    await sample.getByRole('cell', { name: 'Old name' }).waitFor();
    // Only reads went to Omnisend.
    expect(omnisend.inspect.requests().filter((r) => r.method !== 'GET')).toEqual([]);

    const download = page.waitForEvent('download');
    await figures.getByRole('button', { name: 'Download list: Contacts created' }).click();
    const chunks: Buffer[] = [];
    for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(VALID - 49 + 1);
    expect(csv).toContain('member50@example.com');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Run now: Preview push' }).click();
    await expect.poll(() => runStatus(page, 'Preview push'), { timeout: 60_000 }).toBe('Successful');
    expect(omnisend.inspect.contacts().filter((c) => c.tags.includes('Preview members'))).toHaveLength(VALID);
    expect(omnisend.inspect.contact('member0@example.com')?.tags.sort()).toEqual([
      'Newsletter',
      'Preview members',
    ]);

    // Connections says how old the snapshot is and how many contacts it holds (the run's listing).
    await page.getByRole('link', { name: 'Connections' }).click();
    const snapshot = page.getByRole('row', { name: /Main store/ }).locator('[data-snapshot]');
    await expect
      .poll(() => snapshot.textContent(), { timeout: 10_000 })
      .toMatch(/^Read (now|\d+ seconds? ago|\d+ minutes? ago) · 50 contacts$/);
  });
});
