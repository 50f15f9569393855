import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { ExtensionBrowser } from '../support/extension-browser.ts';
import { addConnection, addExport, runStatus, segmentCsv, uploadSegment } from './export-flow.ts';

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;

let omnisend: OmnisendSandbox;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  omnisend = await startOmnisendSandbox({ batchProcessingDelayMs: 40, tagApplyDelayMs: 20 });
});

beforeEach(() => {
  omnisend.faults.reset();
});

afterAll(async () => {
  expect(omnisend.inspect.contractViolations()).toEqual([]);
  await omnisend.close();
});

afterEach(async () => {
  const current = browser;
  browser = undefined;
  if (!current) return;
  try {
    current.assertNoErrors();
  } finally {
    await current.close();
  }
});

const ROWS = 1_000;
const VALID = ROWS - ROWS / 50;

function expectExactState(tag: string, brandId?: string) {
  const contacts = omnisend.inspect.contacts(brandId).filter((c) => c.tags.includes(tag));
  expect(contacts).toHaveLength(VALID);
  const sample = omnisend.inspect.contact('member0@example.com', brandId);
  expect(sample).toMatchObject({ firstName: 'Ayşe0', lastName: 'Yılmaz', countryCode: 'TR' });
  expect(sample?.tags).toContain(tag);
  expect(omnisend.inspect.welcomeMessages()).toEqual([]);
}

describe('an export from a segment file', () => {
  test('runs from the UI to success with progress, counts, the exact contacts and a rejected-rows CSV', async () => {
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, omnisend.apiKey);
    const page = await browser.openOptions('exports');
    await uploadSegment(page, 'Loyal members', segmentCsv(ROWS));
    await addExport(page, 'Loyalty push', 'Loyal members');
    expect(await runStatus(page, 'Loyalty push')).toBe('Not started');

    omnisend.faults.latency(30);
    await page.getByRole('button', { name: 'Run now: Loyalty push' }).click();
    const bar = page.getByRole('progressbar', { name: 'Progress of Loyalty push' });
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    await expect.poll(() => runStatus(page, 'Loyalty push'), { timeout: 60_000 }).toBe('Successful');

    expectExactState('Loyal members');
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Details of the run of Loyalty push' }).click();
    const sent = page.locator('[data-count="sent"]');
    expect(await sent.textContent()).toBe(String(VALID));
    expect(await page.locator('[data-count="rejected"]').textContent()).toBe(String(ROWS / 50));
    await page.getByRole('cell', { name: 'not-an-email-49', exact: true }).waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download rejected rows' }).click();
    const file = await (await download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of file) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(ROWS / 50 + 1);
    expect(csv).toContain('"not-an-email-49"');
  });

  test('the worker stopped three times during the run still ends with the exact state', async () => {
    const brand = omnisend.brands[0]!;
    const key = omnisend.addKey({}, brand.brandID).key;
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, key);
    const page = await browser.openOptions('exports');
    await uploadSegment(page, 'Stoppable', segmentCsv(ROWS));
    await addExport(page, 'Resilient push', 'Stoppable');
    // Batches stay pending until the stops are done, so every stop lands in the middle of the run.
    omnisend.faults.keepBatchesPending(true);
    await page.getByRole('button', { name: 'Run now: Resilient push' }).click();
    for (let stop = 0; stop < 3; stop++) {
      await new Promise((r) => setTimeout(r, 600));
      await browser.stopWorker();
      // A message from the page wakes the worker, which resumes the run from its checkpoint.
      expect(await browser.message('runs.active')).toMatchObject({
        ok: true,
        data: { runs: [{ status: 'running' }] },
      });
    }
    omnisend.faults.keepBatchesPending(false);
    await expect.poll(() => runStatus(page, 'Resilient push'), { timeout: 90_000 }).toBe('Successful');
    expectExactState('Stoppable');
  });
});
