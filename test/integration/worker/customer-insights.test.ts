import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runDueSchedules } from '../../../src/background/engine/scheduler.ts';
import { SignInRequiredError } from '../../../src/sources/customer-insights/index.ts';
import { getCustomerInsightsEnvironment } from '../../../src/storage/customer-insights-environments.ts';
import { getExport } from '../../../src/storage/exports.ts';
import { TEST_ENVIRONMENT_ID } from '../../sandbox/customer-insights/default-environments.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import { CLIENT_ID, customerInsightsWorld, REDIRECT_URL } from './customer-insights-world.ts';

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
  world = await customerInsightsWorld(sandbox, http.fetch);
});

/** What the content script reports on a segment page whose address names `name`. */
const segmentPage = (name: string, environmentId = sandbox.environmentId) => ({
  page: { guids: [environmentId], address: ['app', 'segments', name], text: ['Customer Insights'] },
});

describe('Customer Insights environments in the worker', () => {
  test('signs in with PKCE through launchWebAuthFlow and keeps the refresh token only in the vault', async () => {
    const added = await world.addEnvironment();
    expect(added).toMatchObject({ state: 'signed-out', keyHint: `••••${sandbox.subscriptionKey.slice(-4)}` });

    const { environment, segmentCount } = await world.ask('customer-insights.environments.signIn', {
      id: added.id,
    });
    expect(environment).toMatchObject({ state: 'signed-in', name: 'Contoso Retail (Production)' });
    expect(segmentCount).toBe(sandbox.segments.length);
    const authorize = new URL(world.launched[0] ?? '');
    expect(authorize.searchParams.get('redirect_uri')).toBe(REDIRECT_URL);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const record = JSON.stringify(await world.db.getAll('sources'));
    expect(record).not.toContain(sandbox.subscriptionKey);
    expect(record).not.toMatch(/token/i);
    expect(await world.vault.has(`ci-refresh-token:${added.id}`)).toBe(true);
    const list = await world.ask('customer-insights.environments.list', {});
    expect(list.redirectUrl).toBe(REDIRECT_URL);
    expect(JSON.stringify(list)).not.toContain(sandbox.subscriptionKey);
  });

  test('lists the segments of every signed-in environment in Exports, with member counts', async () => {
    const production = await world.addEnvironment();
    const test = await world.addEnvironment(TEST_ENVIRONMENT_ID);
    await world.ask('customer-insights.environments.signIn', { id: production.id });
    await world.ask('customer-insights.environments.signIn', { id: test.id });
    const { segments } = await world.ask('exports.segments', {});
    expect(segments).toContainEqual({
      sourceId: production.id,
      segmentId: 'Male_under_40',
      displayName: 'Male under 40',
      memberCount: 1_200,
      refreshTracked: true,
      suggestedTag: 'Male under 40',
    });
    expect(segments).toContainEqual(
      expect.objectContaining({ sourceId: test.id, segmentId: 'Test_segment', memberCount: 25 }),
    );
    const { fields, suggested } = await world.ask('exports.fields', {
      segments: [{ sourceId: production.id, segmentId: 'Male_under_40' }],
    });
    expect(fields).toContain('EmailAddress');
    expect(suggested).toMatchObject({ email: 'EmailAddress', firstName: 'FirstName' });
  });

  test('silently refreshes an expired access token, and marks "sign in again" once Entra revokes the sign-in', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    sandbox.control.expireAccessTokens();
    expect(await world.ask('customer-insights.page.segment', segmentPage('Male_under_40'))).toMatchObject({
      state: 'segment',
    });

    sandbox.control.expireAccessTokens();
    sandbox.control.revokeRefreshTokens();
    const source = await world.restartedEnvironments().sourceFor(added.id);
    await expect(source?.listSegments()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await getCustomerInsightsEnvironment(world.db, added.id)).toMatchObject({ signInRequired: true });
    expect(await world.ask('customer-insights.page.segment', segmentPage('Male_under_40'))).toEqual({
      state: 'sign-in-required',
      sourceId: added.id,
      environmentId: sandbox.environmentId,
    });
    // The export form still lists the other sources instead of failing on this one.
    expect((await world.ask('exports.segments', {})).segments).toEqual([]);

    const again = await world.ask('customer-insights.environments.signIn', { id: added.id });
    expect(again.environment.state).toBe('signed-in');
  });

  test('a restarted worker reads with the refresh token from the vault, without the user', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    const issued = sandbox.inspect.tokensIssued();
    // A new worker: nothing in memory, the same IndexedDB.
    const source = await world.restartedEnvironments().sourceFor(added.id);
    expect((await source?.listSegments())?.map((s) => s.id)).toContain('Male_under_40');
    expect(sandbox.inspect.tokensIssued()).toBe(issued + 1);
    expect(world.launched).toHaveLength(1);
  });

  test('signs out by forgetting the refresh token', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    await world.ask('customer-insights.environments.signOut', { id: added.id });
    expect(await world.vault.has(`ci-refresh-token:${added.id}`)).toBe(false);
    const [environment] = (await world.ask('customer-insights.environments.list', {})).environments;
    expect(environment?.state).toBe('signed-out');
  });

  test('matches the page the tab shows against the listed segments, by output or display name', async () => {
    expect(await world.ask('customer-insights.page.segment', segmentPage('Male_under_40'))).toEqual({
      state: 'no-environment',
      environmentId: sandbox.environmentId,
    });
    const added = await world.addEnvironment();
    expect(await world.ask('customer-insights.page.segment', segmentPage('Male_under_40'))).toMatchObject({
      state: 'sign-in-required',
    });
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    const found = await world.ask('customer-insights.page.segment', segmentPage('male_UNDER_40'));
    expect(found).toEqual({
      state: 'segment',
      sourceId: added.id,
      route: 'data-api',
      segment: {
        id: 'Male_under_40',
        displayName: 'Male under 40',
        memberCount: 1_200,
        membersAtLeast: null,
        lastRefreshedAt: sandbox.segments.find((s) => s.name === 'Male_under_40')?.lastRefreshed.getTime(),
      },
      exportIds: [],
    });
    const byDisplay = await world.ask('customer-insights.page.segment', {
      page: { guids: [sandbox.environmentId], address: ['app', 'item'], text: ['Yeni müşteriler & VIP'] },
    });
    expect(byDisplay).toMatchObject({ state: 'segment', segment: { id: 'New_customers_VIP' } });
    expect(await world.ask('customer-insights.page.segment', segmentPage('No_such_segment'))).toEqual({
      state: 'not-found',
      sourceId: added.id,
    });
  });

  test('creates a ready export of the segment in one step, and then knows it covers the segment', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    await expect(
      world.ask('customer-insights.exports.create', { sourceId: added.id, segmentId: 'Male_under_40' }),
    ).rejects.toMatchObject({ code: 'customer-insights.no-connection' });
    await world.addConnection('c-b', 'B brand', 'administrators-and-contributors');
    await world.addConnection('c-a', 'A brand', 'administrators');

    const { id } = await world.ask('customer-insights.exports.create', {
      sourceId: added.id,
      segmentId: 'Male_under_40',
    });
    expect(await getExport(world.db, id)).toMatchObject({
      name: 'Male under 40',
      connectionId: 'c-a',
      segments: [
        {
          sourceId: added.id,
          segmentId: 'Male_under_40',
          displayName: 'Male under 40',
          tag: 'Male under 40',
        },
      ],
      mapping: { email: 'EmailAddress', firstName: 'FirstName', lastName: 'LastName' },
      syncMode: 'mirror',
      schedule: { kind: 'manual' },
    });
    expect(await world.ask('customer-insights.page.segment', segmentPage('Male_under_40'))).toMatchObject({
      exportIds: [id],
    });
    // A second one gets a name of its own; a contributor gets the connection shared with contributors.
    await world.ask('passphrase.set', { passphrase: 'a passphrase' });
    await world.ask('role.lock', {});
    const second = await world.ask('customer-insights.exports.create', {
      sourceId: added.id,
      segmentId: 'Male_under_40',
    });
    expect(await getExport(world.db, second.id)).toMatchObject({
      name: 'Male under 40 (2)',
      connectionId: 'c-b',
    });
  });

  test('refuses to remove an environment that exports use, then removes it with its secrets', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    await world.addConnection('c1', 'Brand', 'administrators');
    const { id } = await world.ask('customer-insights.exports.create', {
      sourceId: added.id,
      segmentId: 'HighValueCustomers',
    });
    await expect(world.ask('customer-insights.environments.remove', { id: added.id })).rejects.toMatchObject({
      code: 'source-in-use',
      details: ['High-value customers'],
    });
    await world.ask('exports.remove', { id });
    await world.ask('customer-insights.environments.remove', { id: added.id });
    expect(await world.db.getAll('sources')).toEqual([]);
    expect(await world.vault.has(`ci-subscription-key:${added.id}`)).toBe(false);
    expect(await world.vault.has(`ci-refresh-token:${added.id}`)).toBe(false);
    expect(await world.restartedEnvironments().sourceFor(added.id)).toBeUndefined();
  });

  test('runs "After each source refresh" once per newer evaluationDate, not while the refresh runs', async () => {
    const added = await world.addEnvironment();
    await world.ask('customer-insights.environments.signIn', { id: added.id });
    await world.addConnection('c1', 'Brand', 'administrators');
    const { id } = await world.ask('exports.save', {
      draft: {
        name: 'VIP after refresh',
        connectionId: 'c1',
        segments: [{ sourceId: added.id, segmentId: 'New_customers_VIP', displayName: 'VIP', tag: 'VIP' }],
        mapping: { email: 'EmailAddress' },
        syncMode: 'mirror',
        schedule: { kind: 'after-refresh' },
      },
    });
    const environments = world.restartedEnvironments();
    const started: string[] = [];
    const look = () =>
      runDueSchedules({
        db: world.db,
        now: Date.now(),
        utcOffsetAt: () => 0,
        refreshPollMs: 60_000,
        alarms: { set: async () => {}, clear: async () => {} },
        sourceFor: (sourceId) => environments.sourceFor(sourceId),
        startRun: async (exportId, trigger) => {
          started.push(`${exportId}:${trigger}`);
          return 'run';
        },
      });
    await look(); // the first look only records the last refresh
    await look();
    expect(started).toEqual([]);

    // A refresh that has started but not finished: its members are not ready to read.
    sandbox.control.setSegmentJob('New_customers_VIP', 'Running', {
      evaluationDate: new Date(Date.now() + 1),
    });
    await look();
    expect(started).toEqual([]);
    sandbox.control.refreshSegment('New_customers_VIP');
    await look();
    await look();
    expect(started).toEqual([`${id}:source-refresh`]);
  });

  test('says what is wrong when the subscription key is refused', async () => {
    const added = (
      await world.ask('customer-insights.environments.save', {
        route: 'data-api',
        environmentId: sandbox.environmentId,
        tenant: 'organizations',
        clientId: CLIENT_ID,
        subscriptionKey: 'not-the-right-key',
      })
    ).environment;
    await expect(world.ask('customer-insights.environments.signIn', { id: added.id })).rejects.toMatchObject({
      code: 'customer-insights.invalid-subscription-key',
    });
  });
});
