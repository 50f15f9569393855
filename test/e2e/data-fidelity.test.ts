import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { waitForExportStatus } from '../support/ui-flows.ts';
import { addConnection } from './export-flow.ts';

type OmnisendSandbox = Awaited<ReturnType<typeof startOmnisendSandbox>>;

let omnisend: OmnisendSandbox;
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

/**
 * Text as Excel saves "CSV" on a Turkish Windows: Windows-1254. (The table comes from the WHATWG
 * decoder; the unit tests check it against files iconv made.)
 */
function windows1254(text: string): Buffer {
  const decoder = new TextDecoder('windows-1254');
  const byteOf = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) byteOf.set(decoder.decode(new Uint8Array([byte])), byte);
  return Buffer.from(
    [...text].map((char) => {
      const byte = byteOf.get(char);
      if (byte === undefined) throw new Error(`${char} is not in Windows-1254`);
      return byte;
    }),
  );
}

const ROWS = 200;
const names = [
  ['Ayşe', 'Yılmaz', 'İstanbul'],
  ['Işıl', 'Güneş', 'Iğdır'],
  ['Çağrı', 'Öztürk', 'Muğla'],
  ['Şükrü', 'Doğan', 'Eskişehir'],
];

/**
 * A Turkish marketer's export: every 20th email broken, every 25th row repeats an earlier email,
 * every 10th country is N/A (no country) and every 40th unknown.
 */
function turkishMembers(): Buffer {
  const lines = ['E-posta;Ad;Soyad;Ülke;Şehir'];
  for (let i = 0; i < ROWS; i++) {
    const [first, last, city] = names[i % names.length] as string[];
    const email =
      i % 20 === 19 ? `kişi${i}@` : i % 25 === 24 ? `uye${i - 1}@example.com` : `uye${i}@example.com`;
    const country = i % 10 === 0 ? 'N/A' : i % 40 === 1 ? 'Atlantis' : i % 2 ? 'Türkiye' : 'TR';
    lines.push(`${email};${first} ${i};${last};${country};${city}`);
  }
  return windows1254(`${lines.join('\r\n')}\r\n`);
}
const BROKEN = ROWS / 20;
// Rows 24, 49, … repeat the email of the row before, except row 99 and 199, which are broken anyway.
const REPEATS = [24, 49, 74, 124, 149, 174].length;
const UNKNOWN_COUNTRIES = [1, 41, 81, 121, 161].length;

describe('a Windows-1254 file with Turkish names', () => {
  test('is read in its encoding, checked whole before the export, and its names reach Omnisend intact', async () => {
    browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
    await addConnection(browser, omnisend.apiKey);
    const page = await browser.openOptions('sources');

    await page.getByRole('button', { name: 'Upload a segment file' }).click();
    await page
      .getByLabel('Segment file', { exact: true })
      .setInputFiles({ name: 'uyeler.csv', mimeType: 'text/csv', buffer: turkishMembers() });
    const encoding = page.getByLabel('Text encoding');
    await expect.poll(() => encoding.inputValue()).toBe('windows-1254');
    await page.getByText('Detected: Windows-1254 (Turkish).').waitFor();
    const preview = page.getByRole('table', { name: 'First rows of the file as read' });
    await preview.getByRole('cell', { name: 'Ayşe 0' }).waitFor();
    expect(await preview.getByRole('columnheader').allTextContents()).toEqual([
      'E-posta',
      'Ad',
      'Soyad',
      'Ülke',
      'Şehir',
    ]);

    // Read as UTF-8 the names break, and the form says so; back in Windows-1254 they are whole.
    await encoding.selectOption('utf-8');
    await page.getByRole('alert').filter({ hasText: 'cannot be read in this encoding' }).waitFor();
    await encoding.selectOption('windows-1254');
    await preview.getByRole('cell', { name: 'Işıl 1' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByLabel('Segment name', { exact: true }).fill('Üyeler');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const row = page.getByRole('row', { name: /Üyeler/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Windows-1254 (Turkish)');

    await page.getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('button', { name: 'Add export' }).click();
    await page.getByLabel('Export name').fill('Üyeler → Omnisend');
    await page.getByRole('checkbox', { name: /Üyeler/ }).check();
    await page.getByText(`Checked all ${ROWS.toLocaleString('en')} rows, before anything is sent.`).waitFor();
    const check = page.getByRole('region', { name: 'Check of the whole segment' });
    const counts = check.getByRole('definition');
    const valid = ROWS - BROKEN - REPEATS;
    expect(await counts.allTextContents()).toEqual([
      String(valid),
      String(BROKEN + REPEATS),
      String(UNKNOWN_COUNTRIES),
      '0',
    ]);
    const notSent = check.getByRole('table', { name: 'Contacts not sent' });
    expect(await notSent.getByRole('row').allTextContents()).toEqual([
      expect.stringContaining('Reason'),
      expect.stringMatching(/^not a valid email addressE-posta10row 21: “kişi19@”/),
      expect.stringMatching(
        /^same email as an earlier row \(the first one is sent\)E-posta6row 26: “uye23@example.com”/,
      ),
    ]);
    const leftOut = check.getByRole('table', { name: 'Values left out' });
    expect(await leftOut.getByRole('row').nth(1).textContent()).toMatch(
      /^unknown countryÜlke5row 3: “Atlantis”/,
    );
    const contacts = check.getByRole('table', { name: /Preview of the first rows/ });
    const first = contacts.getByRole('row', { name: /uye0@example\.com/ });
    expect(await first.getByRole('cell').allTextContents()).toEqual([
      '2',
      'Ayşe 0',
      'Yılmaz',
      'İstanbul',
      '',
      // The tag is the segment name in the letters Omnisend tags take.
      'Uyeler',
      '',
    ]);
    // A country arrives as its code and reads as its name in the UI language.
    expect(await contacts.getByRole('row', { name: /uye3@example\.com/ }).textContent()).toMatch(
      /(Türkiye|Turkey) \(TR\)/,
    );
    expect(await contacts.getByRole('row', { name: /uye1@example\.com/ }).textContent()).toContain(
      'Ülke: unknown country',
    );

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Run now: Üyeler → Omnisend' }).click();
    await waitForExportStatus(page, 'Üyeler → Omnisend', 'Successful');
    await omnisend.inspect.whenIdle();

    const sent = omnisend.inspect.contacts().filter((c) => c.tags.includes('Uyeler'));
    expect(sent).toHaveLength(valid);
    expect(omnisend.inspect.contact('uye0@example.com')).toMatchObject({
      firstName: 'Ayşe 0',
      lastName: 'Yılmaz',
      city: 'İstanbul',
    });
    expect(omnisend.inspect.contact('uye0@example.com')?.countryCode).toBeUndefined();
    expect(omnisend.inspect.contact('uye1@example.com')).toMatchObject({
      firstName: 'Işıl 1',
      lastName: 'Güneş',
      city: 'Iğdır',
    });
    expect(omnisend.inspect.contact('uye1@example.com')?.countryCode).toBeUndefined();
    expect(omnisend.inspect.contact('uye3@example.com')).toMatchObject({
      firstName: 'Şükrü 3',
      lastName: 'Doğan',
      city: 'Eskişehir',
      countryCode: 'TR',
    });
    expect(omnisend.inspect.contact('uye2@example.com')).toMatchObject({
      firstName: 'Çağrı 2',
      city: 'Muğla',
    });
    expect(sent.every((c) => !JSON.stringify(c).includes('\uFFFD'))).toBe(true);
  });
});
