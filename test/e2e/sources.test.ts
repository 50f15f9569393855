import { afterEach, describe, expect, test } from 'vitest';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';

let browser: ExtensionBrowser | undefined;

afterEach(async () => {
  const current = browser;
  browser = undefined;
  await closeCheckingErrors(current);
});

function csv(rows: number): Buffer {
  const lines = ['EmailAddress;FirstName;Country'];
  for (let i = 0; i < rows; i++) lines.push(`person${i}@example.com;Ayşe ${i};Türkiye`);
  lines.push('broken;"unterminated');
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

describe('Sources', () => {
  test('a segment file uploaded through the options page becomes a segment with its counts', async () => {
    browser = await ExtensionBrowser.launch();
    const page = await browser.openOptions('sources');
    await page.getByRole('button', { name: 'Upload a segment file' }).click();
    await page
      .getByLabel('Segment file', { exact: true })
      .setInputFiles({ name: 'vip-customers.csv', mimeType: 'text/csv', buffer: csv(2_500) });
    await expect
      .poll(() => page.getByLabel('Segment name', { exact: true }).inputValue())
      .toBe('vip-customers');
    await page.getByLabel('Segment name', { exact: true }).fill('VIP customers');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const row = page.getByRole('row', { name: /VIP customers/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('2,500');
    await row.getByText('Show 1').click();
    await page.getByText('Line 2502: quote not closed').waitFor();

    const stored = await browser.readStore('sources');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      name: 'VIP customers',
      current: { rowCount: 2_500, fields: ['EmailAddress', 'FirstName', 'Country'] },
    });
    expect(await browser.readStore('fileRows')).toHaveLength(3);
  });
});
