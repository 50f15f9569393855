import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { seriousViolations } from '../support/axe.ts';
import { closeCheckingErrors, ExtensionBrowser } from '../support/extension-browser.ts';
import { addConnection, addExport, runStatus, segmentCsv, uploadSegment } from './export-flow.ts';

/**
 * Taking tags back in real Chromium, as a marketer does it: History › a run › Undo tags, and the
 * question the export form and the removal ask about tags the export stops using. Each ends with
 * the exact tags in Omnisend: only what the extension added goes.
 */

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
  await closeCheckingErrors(current);
});

const ROWS = 300;

/** Every contact's tags of one brand, sorted, by email. */
function tagState(brandId: string): Record<string, string[]> {
  const state: Record<string, string[]> = {};
  for (const contact of omnisend.inspect.contacts(brandId)) state[contact.email] = [...contact.tags].sort();
  return state;
}

/** A browser with a connection to a brand of its own, a segment file and a Mirror export of it, run once. */
async function exported(name: string, before?: (brandId: string) => void) {
  const brand = omnisend.addBrand();
  before?.(brand.brandID);
  browser = await ExtensionBrowser.launch({ hosts: { 'api.omnisend.com': omnisend.port } });
  await addConnection(browser, brand.keys[0]!.key);
  const page = await browser.openOptions('exports');
  await uploadSegment(page, `${name} members`, segmentCsv(ROWS));
  await addExport(page, `${name} push`, `${name} members`);
  const [definition] = (await browser.readStore('exports')) as { segments: { tag: string }[] }[];
  const tag = definition!.segments[0]!.tag;
  return { page, brandId: brand.brandID, tag };
}

describe('taking tags back', () => {
  test('History › a run › Undo tags restores the tags of before the run; its new contacts stay and are listed', async () => {
    const { page, brandId, tag } = await exported('Undo', (brandId) => {
      // A member who had the tag from elsewhere before the extension, and an outsider with it.
      omnisend.seedContact({ email: 'member0@example.com', tags: ['Undo members', 'Newsletter'] }, brandId);
      omnisend.seedContact({ email: 'outsider@example.com', tags: ['Undo members'] }, brandId);
    });
    expect(tag).toBe('Undo members');
    await omnisend.inspect.whenIdle();
    const before = tagState(brandId);

    await page.getByRole('button', { name: 'Run now: Undo push' }).click();
    await expect.poll(() => runStatus(page, 'Undo push'), { timeout: 60_000 }).toBe('Successful');
    await omnisend.inspect.whenIdle();
    expect(tagState(brandId)['member1@example.com']).toEqual([tag]);

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Details of the run of Undo push' }).click();
    await page.getByRole('heading', { name: 'Undo tags' }).waitFor();
    await page.getByText('Only the last run of an export can be undone.').waitFor();
    await page.getByRole('button', { name: 'Undo tags' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo the tags of this run?' });
    // 300 rows, every 50th invalid, one of the rest had the tag before: 293 created and tagged.
    await dialog.getByText('The tag goes from 293 contacts this run added it to.').waitFor();
    await dialog.getByText('293 contacts this run created stay in Omnisend').waitFor();
    await dialog.getByText('Contacts this run created', { exact: true }).click();
    await dialog.getByText('member1@example.com').waitFor();
    expect(await dialog.getByText('member0@example.com').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Undo tags' }).click();

    const undoRow = page.getByRole('row', { name: /Undo push/ }).filter({ hasText: 'Undo tags' });
    await undoRow.getByRole('cell', { name: 'Successful' }).waitFor({ timeout: 60_000 });
    await omnisend.inspect.whenIdle();
    const after = tagState(brandId);
    for (const [email, tags] of Object.entries(before)) expect(after[email], email).toEqual(tags);
    for (const [email, tags] of Object.entries(after))
      if (!(email in before)) expect(tags, email).toEqual([]);
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length + 293);

    // The export run is no longer the last: its details say so and offer nothing.
    await page.getByRole('button', { name: 'Details of the run of Undo push' }).last().click();
    await page.getByText('This export ran again after this run.').waitFor();
    expect(await page.getByRole('button', { name: 'Undo tags' }).count()).toBe(0);
  });

  test('a renamed tag: the form asks, Mirror removes the old tag by default; removing the export asks again', async () => {
    const { page, brandId, tag } = await exported('Rename', (brandId) => {
      omnisend.seedContact({ email: 'outsider@example.com', tags: ['Rename members'] }, brandId);
    });
    await page.getByRole('button', { name: 'Run now: Rename push' }).click();
    await expect.poll(() => runStatus(page, 'Rename push'), { timeout: 60_000 }).toBe('Successful');

    await page.getByRole('button', { name: 'Edit Rename push' }).click();
    await page.getByLabel(/Omnisend tag for/).fill('Rename 2026');
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tags no longer used' });
    await dialog.getByText(`This export no longer uses these tags: ${tag}.`).waitFor();
    expect(await dialog.getByRole('radio', { name: /Remove them from the contacts/ }).isChecked()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // Slow answers keep the run going long enough to be seen.
    omnisend.faults.latency(1_500);
    await dialog.getByRole('button', { name: 'Save' }).click();
    // Its progress shows where runs are shown, named for what it does.
    await page.getByRole('heading', { name: 'Rename push · Remove old tags' }).waitFor();
    omnisend.faults.latency(0);

    await page.getByRole('link', { name: 'History' }).click();
    const retireRow = page.getByRole('row', { name: /Rename push/ }).filter({ hasText: 'Remove old tags' });
    await retireRow.getByRole('cell', { name: 'Successful' }).waitFor({ timeout: 60_000 });
    await omnisend.inspect.whenIdle();
    const state = tagState(brandId);
    expect(state['member1@example.com']).toEqual([]);
    expect(state['outsider@example.com']).toEqual(['Rename members']);

    // The next run tags everyone with the new name; removing the export then takes that back too.
    await page.getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('button', { name: 'Run now: Rename push' }).click();
    // The last run was the retire run, also "Successful": wait for what the new run does.
    const tagsOfMember1 = async () => {
      await omnisend.inspect.whenIdle();
      return tagState(brandId)['member1@example.com'];
    };
    await expect.poll(tagsOfMember1, { timeout: 60_000 }).toEqual(['Rename 2026']);
    await expect.poll(() => runStatus(page, 'Rename push'), { timeout: 60_000 }).toBe('Successful');
    await page.getByRole('button', { name: 'Remove Rename push' }).click();
    const removal = page.getByRole('dialog', { name: 'Remove export Rename push?' });
    expect(await removal.getByRole('radio', { name: /Remove them from the contacts/ }).isChecked()).toBe(
      true,
    );
    await removal.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('link', { name: 'History' }).click();
    await page
      .getByRole('row', { name: /Rename push/ })
      .filter({ hasText: 'Remove old tags' })
      .first()
      .waitFor();
    await expect.poll(tagsOfMember1, { timeout: 60_000 }).toEqual([]);
    expect(tagState(brandId)['outsider@example.com']).toEqual(['Rename members']);
  });
});
