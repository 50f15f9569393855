import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { getCustomerInsightsEnvironment } from '../../../src/storage/customer-insights-environments.ts';
import { getExport } from '../../../src/storage/exports.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { CLIENT_ID, customerInsightsWorld } from './customer-insights-world.ts';

let sandbox: CustomerInsightsSandbox;
let http: SandboxFetch;
let world: Awaited<ReturnType<typeof customerInsightsWorld>>;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox();
  http = sandboxFetch(sandbox.port, { hosts: sandbox.hosts });
});
afterAll(async () => {
  http.close();
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.inspect.clear();
  world = await customerInsightsWorld(sandbox, http.fetch);
});

const ORG = 'https://contoso.crm4.dynamics.com';

/** A page of the second route shape, as the content script reports it. */
const detailPage = (segment: string, title = 'Customer Insights') => ({
  page: {
    guids: [sandbox.environmentId],
    address: ['app', 'segments', 'detail', segment],
    text: [title, ...title.split(' | ')],
  },
});

async function signedIn() {
  const added = await world.addDataverseEnvironment();
  await world.ask('customer-insights.environments.signIn', { id: added.id });
  return added;
}

describe('Customer Insights through Dataverse in the worker', () => {
  test('keeps the organisation from a pasted page address and signs in for that organisation alone', async () => {
    const added = await world.addDataverseEnvironment();
    expect(added).toMatchObject({
      route: 'dataverse',
      orgUrl: ORG,
      keyHint: null,
      state: 'signed-out',
      segments: [],
    });

    const { environment, segmentCount } = await world.ask('customer-insights.environments.signIn', {
      id: added.id,
    });
    expect(environment.state).toBe('signed-in');
    expect(segmentCount).toBe(0);
    const authorize = new URL(world.launched[0] ?? '');
    expect(authorize.searchParams.get('scope')).toBe(`${ORG}/user_impersonation offline_access`);
    // The sign-in was proven by one read of the organisation, with a token for it.
    const reads = sandbox.inspect.dataverseReads();
    expect(reads).toEqual([
      expect.objectContaining({ host: 'contoso.crm4.dynamics.com', entitySet: 'msdynci_customerprofiles' }),
    ]);
    expect(sandbox.inspect.requests().some((r) => r.host === 'api.ci.ai.dynamics.com')).toBe(false);
    expect(await world.vault.has(`ci-refresh-token:${added.id}`)).toBe(true);
    expect(await world.vault.has(`ci-subscription-key:${added.id}`)).toBe(false);
  });

  test('refuses an address that is no Dataverse organisation, saying why', async () => {
    await expect(
      world.addDataverseEnvironment(sandbox.environmentId, 'https://home.ci.ai.dynamics.com/app'),
    ).rejects.toThrow(/customer-insights-app/);
  });

  test('asks the user for access when the browser does not let the extension reach the organisation', async () => {
    const added = await world.addDataverseEnvironment();
    world.allowedOrigins.delete(ORG);
    await expect(world.ask('customer-insights.environments.signIn', { id: added.id })).rejects.toMatchObject({
      code: 'customer-insights.org-access-required',
    });
    expect(await world.ask('customer-insights.page.segment', detailPage('Male_under_40'))).toEqual({
      state: 'access-required',
      sourceId: added.id,
      orgUrl: ORG,
    });
    expect((await world.ask('attention.list', {})).items).toEqual([
      { kind: 'access-required', sourceId: added.id, name: expect.any(String), host: new URL(ORG).host },
    ]);
    expect(sandbox.inspect.dataverseReads()).toEqual([]);

    world.allowedOrigins.add(ORG);
    expect((await world.ask('attention.list', {})).items).toEqual([]);
  });

  test('learns a segment from its page, counting it before offering it, and knows it from then on', async () => {
    const added = await signedIn();
    sandbox.inspect.clear();
    const found = await world.ask(
      'customer-insights.page.segment',
      detailPage('Male_under_40', 'Male under 40 | Segments'),
    );
    expect(found).toEqual({
      state: 'segment',
      sourceId: added.id,
      route: 'dataverse',
      segment: {
        id: 'Male_under_40',
        displayName: 'Male under 40',
        memberCount: 1_200,
        membersAtLeast: null,
        lastRefreshedAt: null,
      },
      exportIds: [],
    });
    // "app", "segments" and "detail" were asked about and have no members; then the segment.
    const filters = sandbox.inspect.dataverseReads().map((r) => r.filter);
    expect(filters).toEqual([
      `contains(msdynci_segments,'"app"')`,
      `contains(msdynci_segments,'"segments"')`,
      `contains(msdynci_segments,'"detail"')`,
      `contains(msdynci_segments,'"Male[_]under[_]40"')`,
    ]);
    const record = await getCustomerInsightsEnvironment(world.db, added.id);
    expect(record?.segments).toEqual([
      expect.objectContaining({
        id: 'Male_under_40',
        displayName: 'Male under 40',
        memberCount: 1_200,
        from: 'page',
      }),
    ]);

    sandbox.inspect.clear();
    expect(await world.ask('customer-insights.page.segment', detailPage('Male_under_40'))).toMatchObject({
      state: 'segment',
      segment: { id: 'Male_under_40', displayName: 'Male under 40' },
    });
    expect(sandbox.inspect.dataverseReads()).toEqual([]);
    const { segments } = await world.ask('exports.segments', {});
    expect(segments).toContainEqual({
      sourceId: added.id,
      segmentId: 'Male_under_40',
      displayName: 'Male under 40',
      memberCount: 1_200,
      refreshTracked: false,
      suggestedTag: 'Male under 40',
    });
  });

  test('says "sign in again" on a segment page once Entra no longer takes the stored sign-in', async () => {
    const added = await signedIn();
    sandbox.control.revokeRefreshTokens();
    sandbox.control.expireAccessTokens();
    expect(await world.ask('customer-insights.page.segment', detailPage('Male_under_40'))).toEqual({
      state: 'sign-in-required',
      sourceId: added.id,
      environmentId: sandbox.environmentId,
    });
    expect((await getCustomerInsightsEnvironment(world.db, added.id))?.signInRequired).toBe(true);
    expect((await world.ask('attention.list', {})).items).toEqual([
      { kind: 'sign-in-required', sourceId: added.id, name: expect.any(String) },
    ]);
  });

  test('claims no segment on a page whose address names none with members', async () => {
    const added = await signedIn();
    expect(await world.ask('customer-insights.page.segment', detailPage('Winback_2019'))).toEqual({
      state: 'not-found',
      sourceId: added.id,
    });
    expect((await getCustomerInsightsEnvironment(world.db, added.id))?.segments).toEqual([]);
  });

  test('keeps a segment the user names by output name only once counting finds members', async () => {
    const added = await signedIn();
    await expect(
      world.ask('customer-insights.segments.add', { id: added.id, outputName: 'Male under 40' }),
    ).rejects.toMatchObject({
      code: 'customer-insights.segment-empty',
      params: { name: 'Male under 40' },
    });

    const { environment } = await world.ask('customer-insights.segments.add', {
      id: added.id,
      outputName: 'All_customers_2M',
      displayName: 'Everyone',
    });
    expect(environment.segments).toEqual([
      expect.objectContaining({
        id: 'All_customers_2M',
        displayName: 'Everyone',
        memberCount: 25_000,
        countComplete: false,
      }),
    ]);
    // A count that stopped early is no member count for the export form.
    const { segments } = await world.ask('exports.segments', {});
    expect(segments.find((s) => s.segmentId === 'All_customers_2M')).toMatchObject({ memberCount: null });
    expect(await world.ask('customer-insights.page.segment', detailPage('All_customers_2M'))).toMatchObject({
      segment: { memberCount: null, membersAtLeast: 25_000 },
    });

    const recounted = await world.ask('customer-insights.segments.recount', {
      id: added.id,
      segmentId: 'all_customers_2m',
    });
    expect(recounted.environment.segments[0]).toMatchObject({ displayName: 'Everyone', memberCount: 25_000 });
  });

  test('creates an export from the page in one step, mapping the msdynci_ columns, and then guards the segment', async () => {
    const added = await signedIn();
    await world.addConnection('c1', 'Brand', 'administrators');
    await world.ask('customer-insights.page.segment', detailPage('HighValueCustomers'));
    const { id } = await world.ask('customer-insights.exports.create', {
      sourceId: added.id,
      segmentId: 'HighValueCustomers',
    });
    expect(await getExport(world.db, id)).toMatchObject({
      segments: [{ sourceId: added.id, segmentId: 'HighValueCustomers', displayName: 'HighValueCustomers' }],
      mapping: {
        email: 'msdynci_emailaddress',
        firstName: 'msdynci_firstname',
        lastName: 'msdynci_lastname',
      },
    });
    await expect(
      world.ask('customer-insights.segments.remove', { id: added.id, segmentId: 'HighValueCustomers' }),
    ).rejects.toMatchObject({ code: 'segment-in-use', details: ['HighValueCustomers'] });
  });

  test('does not let “After each source refresh” follow a segment whose route publishes no refresh time', async () => {
    const added = await signedIn();
    await world.addConnection('c1', 'Brand', 'administrators');
    await world.ask('customer-insights.segments.add', { id: added.id, outputName: 'HighValueCustomers' });
    const draft = {
      name: 'After refresh',
      connectionId: 'c1',
      segments: [
        { sourceId: added.id, segmentId: 'HighValueCustomers', displayName: 'High value', tag: 'High value' },
      ],
      mapping: { email: 'msdynci_emailaddress' },
      syncMode: 'mirror' as const,
      schedule: { kind: 'after-refresh' as const },
    };
    await expect(world.ask('exports.save', { draft })).rejects.toMatchObject({
      code: 'schedule-no-refresh',
    });
    await expect(
      world.ask('exports.save', { draft: { ...draft, schedule: { kind: 'every', hours: 6 } } }),
    ).resolves.toMatchObject({ id: expect.any(String) });
  });

  test('forgets counted segments when the organisation changes', async () => {
    const added = await signedIn();
    await world.ask('customer-insights.segments.add', { id: added.id, outputName: 'HighValueCustomers' });
    const { environment } = await world.ask('customer-insights.environments.save', {
      route: 'dataverse',
      id: added.id,
      environmentId: sandbox.environmentId,
      orgUrl: 'https://contoso-test.crm.dynamics.com',
      tenant: 'organizations',
      clientId: CLIENT_ID,
    });
    expect(environment).toMatchObject({
      orgUrl: 'https://contoso-test.crm.dynamics.com',
      segments: [],
      state: 'signed-out',
    });
    await expect(
      world.ask('customer-insights.environments.save', {
        route: 'data-api',
        id: added.id,
        environmentId: sandbox.environmentId,
        tenant: 'organizations',
        clientId: CLIENT_ID,
        subscriptionKey: sandbox.subscriptionKey,
      }),
    ).rejects.toMatchObject({ code: 'customer-insights.route-fixed' });
  });
});
