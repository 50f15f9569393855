import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { addConnection, addExport, runStatus, segmentCsv, uploadSegment } from './export-flow.ts';

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;

interface RunLike {
  status: string;
  counts: { sent: number };
}

interface ChromeApi {
  action: { getBadgeText(details: object): Promise<string> };
  notifications: { getAll(): Promise<Record<string, unknown>> };
}

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
  await closeCheckingErrors(current);
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
    const chrome = () =>
      page.evaluate(async () => {
        const api = (globalThis as unknown as { chrome: ChromeApi }).chrome;
        return {
          badge: await api.action.getBadgeText({}),
          notifications: Object.keys(await api.notifications.getAll()),
        };
      });
    await expect.poll(async () => (await chrome()).badge).toMatch(/^\d+%$/);
    // The popup shows the same run with its own progress bar.
    const popup = await browser.openPopup();
    await popup.getByRole('progressbar', { name: 'Progress of Loyalty push' }).waitFor();
    await popup.close();
    await expect.poll(() => runStatus(page, 'Loyalty push'), { timeout: 60_000 }).toBe('Successful');
    // The badge clears and a notification says how it went.
    await expect.poll(chrome).toEqual({ badge: '', notifications: [expect.stringMatching(/^run-/)] });

    expectExactState('Loyal members');
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Details of the run of Loyalty push' }).click();
    const sent = page.locator('[data-count="sent"]');
    expect(await sent.textContent()).toBe(String(VALID));
    expect(await page.locator('[data-count="rejected"]').textContent()).toBe(String(ROWS / 50));
    // Contacts not sent, grouped by reason with examples, apart from values left out (none here).
    const notSent = page.getByRole('table', { name: 'Contacts not sent' });
    await expect.poll(() => notSent.getByRole('row').nth(1).textContent()).toContain(String(ROWS / 50));
    expect(await notSent.textContent()).toContain('not-an-email-49');
    await page.getByText('No value was left out.').waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download contacts not sent' }).click();
    const file = await (await download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of file) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(ROWS / 50 + 1);
    expect(csv).toContain('"not-an-email-49"');

    // "Full resync" sends every contact again, changed or not (a plain rerun sends only changes).
    await page.getByRole('link', { name: 'Exports' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Full resync: Loyalty push' }).click();
    await expect
      .poll(
        async () => {
          const runs = (await browser!.message('runs.list', {})) as { data?: { runs: RunLike[] } };
          return runs.data?.runs.map((r) => [r.status, r.counts.sent]);
        },
        { timeout: 60_000 },
      )
      .toEqual([
        ['succeeded', VALID],
        ['succeeded', VALID],
      ]);
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
    await page
      .getByRole('row', { name: /Resilient push/ })
      .getByRole('cell', { name: 'Successful' })
      .waitFor({ timeout: 90_000 })
      .catch(async (error: unknown) => {
        // Say where the run stands, not only that the page did not show it.
        const runs = await browser!.readStore('runs');
        throw new Error(`${String(error)}\nruns: ${JSON.stringify(runs).slice(0, 2_000)}`);
      });
    expectExactState('Stoppable');
  });
});

describe('runs that outlive the browser', () => {
  test('a run cut off by closing the browser goes on by itself when it starts again', async () => {
    const key = omnisend.addKey({}, omnisend.brandId).key;
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, key);
    const page = await browser.openOptions('exports');
    await uploadSegment(page, 'Restartable', segmentCsv(ROWS));
    await addExport(page, 'Restart push', 'Restartable');
    omnisend.faults.keepBatchesPending(true);
    await page.getByRole('button', { name: 'Run now: Restart push' }).click();
    await page.getByRole('progressbar', { name: 'Progress of Restart push' }).waitFor();

    browser = await browser.restart();
    omnisend.faults.keepBatchesPending(false);
    // Nothing is clicked and no message is sent: the worker resumes at browser start.
    await expect
      .poll(async () => (await browser!.readStore('runs')).map((r) => (r as { status: string }).status), {
        timeout: 60_000,
      })
      .toEqual(['succeeded']);
    expectExactState('Restartable');
  });

  test('a schedule missed while the browser was closed runs once at the next start', async () => {
    const key = omnisend.addKey({}, omnisend.brandId).key;
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, key);
    const page = await browser.openOptions('exports');
    await uploadSegment(page, 'Hourly', segmentCsv(200));
    await addExport(page, 'Hourly push', 'Hourly', { everyHours: 1 });
    await expect.poll(async () => (await browser!.readStore('schedules')).length).toBe(1);

    // Three and a half hours pass while the browser is closed: three slots are missed.
    const [schedule] = (await browser.readStore('schedules')) as Record<string, unknown>[];
    const earlier = Date.now() - 3.5 * 3_600_000;
    await browser.putRecords('schedules', [
      { ...schedule, anchorAt: earlier, nextDueAt: earlier + 3_600_000 },
    ]);
    browser = await browser.restart();
    await expect
      .poll(async () => (await browser!.readStore('runs')).map((r) => (r as { status: string }).status), {
        timeout: 60_000,
      })
      .toEqual(['succeeded']);
    // Once, not once per missed slot: the latest missed slot is taken and the next one lies ahead,
    // so no start or alarm finds another run due.
    await expect
      .poll(async () => (await browser!.readStore('schedules'))[0])
      .toMatchObject({ lastSlotAt: earlier + 3 * 3_600_000, nextDueAt: earlier + 4 * 3_600_000 });
    const runs = (await browser.readStore('runs')) as { trigger: string }[];
    expect(runs.map((r) => r.trigger)).toEqual(['schedule']);
    const history = await browser.openOptions('history');
    await history.getByRole('cell', { name: 'Schedule' }).waitFor();
  });
});
