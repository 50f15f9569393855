import type { Locator, Page } from 'playwright-core';

/**
 * The product's main paths through the options page, by the accessible names users see
 * (DESIGN.md §8). Shared by the e2e tests and the `npm start` demo.
 */

export async function connectOmnisend(page: Page, name: string, apiKey: string) {
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'Add connection' }).click();
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('API key', { exact: true }).fill(apiKey);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(/Connected to the Omnisend brand/).waitFor();
  await page.getByRole('checkbox', { name: 'I agree' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
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

/** Options › Exports › "Add export" with the mapping suggested from the field names. */
export async function addExport(
  page: Page,
  name: string,
  segment: string,
  schedule?: { everyHours: number } | 'after-refresh',
) {
  await page.getByRole('link', { name: 'Exports' }).click();
  await page.getByRole('button', { name: 'Add export' }).click();
  await page.getByLabel('Export name').fill(name);
  await page.getByRole('checkbox', { name: new RegExp(segment) }).check();
  await page.getByRole('heading', { name: /Preview of the first rows/ }).waitFor();
  if (schedule === 'after-refresh') {
    await page.getByLabel('When to run').selectOption('after-refresh');
  } else if (schedule) {
    await page.getByLabel('When to run').selectOption('every');
    await page.getByLabel('Hours between runs').fill(String(schedule.everyHours));
  }
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
}

/** The Status cell of an export's row in Options › Exports. */
export async function exportStatus(page: Page, name: string): Promise<string> {
  return (
    (await page
      .getByRole('row', { name: new RegExp(name) })
      .locator('td')
      .nth(2)
      .textContent()) ?? ''
  );
}

export async function waitForExportStatus(page: Page, name: string, status: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await exportStatus(page, name);
    if (now === status) return;
    if (Date.now() > deadline) throw new Error(`Export “${name}” is “${now}”, not “${status}”.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sources › "Add Customer Insights environment" read through the Data API, then "Sign in" through launchWebAuthFlow. */
export async function addCustomerInsightsEnvironment(
  page: Page,
  environment: { id: string; subscriptionKey: string; clientId: string; displayName: string },
) {
  await page.getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('button', { name: 'Add Customer Insights environment' }).click();
  await page.getByRole('radio', { name: 'Through the Customer Insights Data API (deprecated)' }).check();
  await page.getByLabel('Environment ID').fill(environment.id);
  await page.getByLabel('API subscription key').fill(environment.subscriptionKey);
  await page.getByLabel('Tenant').fill('organizations');
  await page.getByLabel('Application (client) ID').fill(environment.clientId);
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row', { name: new RegExp(environment.id) });
  await row.getByText('Not signed in').waitFor();
  await row.getByRole('button', { name: /^Sign in to / }).click();
  const named = page.getByRole('row', { name: new RegExp(environment.displayName.replace(/[()]/g, '\\$&')) });
  await named.getByText('Signed in').waitFor();
}

/**
 * Sources › "Add Customer Insights environment" read through Dataverse (the default): the
 * organisation URL pasted as the address of a Dynamics page, Save (which asks the browser for the
 * organisation's origin), then "Sign in". The caller grants the origin first (see
 * `ExtensionBrowser.grantSiteAccess`): a headless browser cannot answer Chrome's prompt.
 */
export async function addDataverseEnvironment(
  page: Page,
  environment: { id: string; pastedUrl: string; clientId: string; host: string },
) {
  await page.getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('button', { name: 'Add Customer Insights environment' }).click();
  await page.getByRole('radio', { name: 'Through Dataverse (recommended)' }).waitFor();
  await page.getByLabel('Environment ID').fill(environment.id);
  await page.getByLabel('Dataverse organisation URL').fill(environment.pastedUrl);
  await page
    .getByText(`Saving asks the browser to let the extension reach https://${environment.host}.`)
    .waitFor();
  await page.getByLabel('Tenant').fill('organizations');
  await page.getByLabel('Application (client) ID').fill(environment.clientId);
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row', { name: new RegExp(environment.host.replace(/\./g, '\\.')) });
  await row.getByText('Not signed in').waitFor();
  await row.getByRole('button', { name: `Sign in to ${environment.host}` }).click();
  await row.getByText('Signed in', { exact: true }).waitFor();
}

/** "Preview changes" in `scope` (the export form or the popup): its figures once they are in. */
export async function previewChanges(scope: Page) {
  await scope.getByRole('button', { name: 'Preview changes' }).click();
  const figures = scope.getByRole('table', { name: 'What the next run would do' });
  await figures.waitFor({ timeout: 60_000 });
  return { figures, count: (label: string) => previewCount(figures, label) };
}

/** One count of a preview's figures, as shown: "Contacts created" → "147". */
async function previewCount(figures: Locator, label: string): Promise<string> {
  const row = figures.getByRole('row', { name: new RegExp(`^${label}`) });
  return (await row.locator('td').first().textContent()) ?? '';
}
