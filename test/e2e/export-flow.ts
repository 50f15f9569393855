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

export { storedExport } from '../support/stored-records.ts';
export { addExport, exportStatus as runStatus, uploadSegment } from '../support/ui-flows.ts';
