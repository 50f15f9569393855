import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ExtensionBrowser } from '../support/extension-browser.ts';

/** A segment file: `rows` members, every 50th with an invalid email. */
export function segmentCsv(rows: number): Buffer {
  const lines = ['EmailAddress,FirstName,LastName,Country'];
  for (let i = 0; i < rows; i++) {
    const email = i % 50 === 49 ? `not-an-email-${i}` : `Member${i}@Example.com`;
    lines.push(`${email},Ayşe${i},Yılmaz,Türkiye`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

export async function addConnection(browser: ExtensionBrowser, apiKey: string) {
  const reply = await browser.message('connections.save', {
    displayName: 'Main store',
    shareWith: 'administrators',
    apiKey,
    agreed: true,
    statementVersion: '2026-11',
  });
  expect(reply).toMatchObject({ ok: true });
}

export async function uploadSegment(page: Page, name: string, csv: Buffer) {
  await page.getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('button', { name: 'Upload a segment file' }).click();
  await page
    .getByLabel('Segment file', { exact: true })
    .setInputFiles({ name: `${name}.csv`, mimeType: 'text/csv', buffer: csv });
  await page.getByLabel('Segment name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
}

/** Options › Exports › "Add export" with the suggested mapping; returns when it is listed. */
export async function addExport(
  page: Page,
  name: string,
  segment: string,
  schedule?: { everyHours: number },
) {
  await page.getByRole('link', { name: 'Exports' }).click();
  await page.getByRole('button', { name: 'Add export' }).click();
  await page.getByLabel('Export name').fill(name);
  await page.getByRole('checkbox', { name: new RegExp(segment) }).check();
  await expect.poll(() => page.getByLabel('Email', { exact: true }).inputValue()).toBe('EmailAddress');
  await page.getByRole('heading', { name: /Preview of the first rows/ }).waitFor();
  if (schedule) {
    await page.getByLabel('When to run').selectOption('every');
    await page.getByLabel('Hours between runs').fill(String(schedule.everyHours));
  }
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
}

export async function runStatus(page: Page, name: string): Promise<string> {
  return (
    (await page
      .getByRole('row', { name: new RegExp(name) })
      .locator('td')
      .nth(2)
      .textContent()) ?? ''
  );
}
