import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { createCustomerInsightsHandlers } from '../../../../src/background/customer-insights/environment-handlers.ts';
import { CustomerInsightsEnvironments } from '../../../../src/background/customer-insights/environments.ts';
import { CustomerInsightsSecrets } from '../../../../src/background/customer-insights/secrets.ts';
import { interactiveLaunch } from '../../../../src/background/customer-insights/web-auth-flow.ts';
import { secretPlacement } from '../../../../src/background/secret-placement.ts';
import { createStatusHandlers } from '../../../../src/background/status-handlers.ts';
import { systemClock } from '../../../../src/core/clock.ts';
import { protocol } from '../../../../src/messaging/protocol.ts';
import { SignInCancelledError } from '../../../../src/sources/customer-insights/index.ts';
import { getCustomerInsightsEnvironment } from '../../../../src/storage/customer-insights-environments.ts';
import { type Database, openDatabase } from '../../../../src/storage/open-database.ts';
import { Vault } from '../../../../src/storage/vault.ts';
import { memorySession } from '../../../support/memory-session.ts';

const ENVIRONMENT = '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92';
const CLIENT = '11111111-2222-4333-8444-555555555555';
const KEY = 'subscription-key-ABCD';
const ctx = { tabId: undefined, role: 'administrator' as const };

let db: Database;
let vault: Vault;
let usedBy: Map<string, string[]>;
let launches: string[];

/** No test here may reach the network: every fetch fails loudly. */
const noNetwork: typeof fetch = async () => {
  throw new Error('no network in unit tests');
};

function handlers() {
  const secrets = new CustomerInsightsSecrets(vault);
  let ids = 0;
  return createCustomerInsightsHandlers({
    db,
    secrets,
    environments: new CustomerInsightsEnvironments({
      db,
      secrets,
      fetch: noNetwork,
      clock: systemClock,
      redirectUrl: () => 'https://extension-id.chromiumapp.org/',
      originAllowed: async () => true,
    }),
    launch: async (url) => {
      launches.push(url);
      throw new SignInCancelledError();
    },
    signedIn: async () => {
      throw new Error('a cancelled sign-in resumes nothing');
    },
    exportsBySource: async () => usedBy,
    exportsFor: async () => [],
    resealSecrets: () => vault.reseal(),
    saveExport: async () => {
      throw new Error('not used');
    },
    now: () => 1_000 + ids,
    newId: () => `env${++ids}`,
  });
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  vault = new Vault({ db, unlockedKey: async () => null, placement: (id) => secretPlacement(db, id) });
  usedBy = new Map();
  launches = [];
});

/** As the router hands it over: parsed by the message's schema. */
const add = (h: ReturnType<typeof handlers>, fields: Record<string, string> = {}) =>
  h['customer-insights.environments.save'](
    protocol['customer-insights.environments.save'].request.parse({
      route: 'data-api',
      environmentId: ENVIRONMENT,
      tenant: 'contoso.onmicrosoft.com',
      clientId: CLIENT,
      subscriptionKey: KEY,
      ...fields,
    }),
    ctx,
  );

describe('Customer Insights environment handlers', () => {
  test('keep the subscription key in the vault and show only its last four characters', async () => {
    const h = handlers();
    const { environment } = await add(h, { environmentId: ENVIRONMENT.toUpperCase() });
    expect(environment).toMatchObject({
      environmentId: ENVIRONMENT,
      keyHint: '••••ABCD',
      state: 'signed-out',
      usedBy: [],
    });
    expect(await vault.get(`ci-subscription-key:${environment.id}`)).toBe(KEY);
    expect(JSON.stringify(await db.getAll('sources'))).not.toContain(KEY);
    expect(JSON.stringify(await h['customer-insights.environments.list']({}, ctx))).not.toContain(KEY);
  });

  test('refuse a second record of the same environment and a new one without a key', async () => {
    const h = handlers();
    await add(h);
    await expect(add(h)).rejects.toMatchObject({ data: { code: 'customer-insights.duplicate-environment' } });
    await expect(
      h['customer-insights.environments.save'](
        {
          route: 'data-api',
          environmentId: ENVIRONMENT.replace('3f', '4f'),
          tenant: 'organizations',
          clientId: CLIENT,
        },
        ctx,
      ),
    ).rejects.toMatchObject({ data: { code: 'customer-insights.subscription-key-missing' } });
  });

  test('keep the key when an edit leaves it empty, and sign out when the app registration changes', async () => {
    const h = handlers();
    const { environment } = await add(h);
    await vault.put(`ci-refresh-token:${environment.id}`, 'a refresh token');
    await db.put('sources', {
      ...(await getCustomerInsightsEnvironment(db, environment.id))!,
      signedInAt: 5,
    });

    const sameApp = await h['customer-insights.environments.save'](
      {
        route: 'data-api',
        id: environment.id,
        environmentId: ENVIRONMENT,
        tenant: 'contoso.onmicrosoft.com',
        clientId: CLIENT,
      },
      ctx,
    );
    expect(sameApp.environment).toMatchObject({ keyHint: '••••ABCD', state: 'signed-in' });

    const otherApp = await h['customer-insights.environments.save'](
      {
        route: 'data-api',
        id: environment.id,
        environmentId: ENVIRONMENT,
        tenant: 'organizations',
        clientId: CLIENT,
      },
      ctx,
    );
    expect(otherApp.environment.state).toBe('signed-out');
    expect(await vault.has(`ci-refresh-token:${environment.id}`)).toBe(false);
    expect(await vault.get(`ci-subscription-key:${environment.id}`)).toBe(KEY);
  });

  test('report a closed sign-in window as a cancelled sign-in, changing nothing', async () => {
    const h = handlers();
    const { environment } = await add(h);
    await expect(
      h['customer-insights.environments.signIn']({ id: environment.id }, ctx),
    ).rejects.toMatchObject({
      data: { code: 'sign-in.cancelled' },
    });
    const url = new URL(launches[0] ?? '');
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    );
    expect(url.searchParams.get('scope')).toBe('https://api.ci.ai.microsoft.com/.default offline_access');
    expect(url.searchParams.get('redirect_uri')).toBe('https://extension-id.chromiumapp.org/');
    expect((await h['customer-insights.environments.list']({}, ctx)).environments[0]?.state).toBe(
      'signed-out',
    );
  });

  test('refuse to remove an environment that exports use, naming them', async () => {
    const h = handlers();
    const { environment } = await add(h);
    usedBy.set(environment.id, ['VIP export']);
    await expect(
      h['customer-insights.environments.remove']({ id: environment.id }, ctx),
    ).rejects.toMatchObject({
      data: { code: 'source-in-use', details: ['VIP export'] },
    });
    usedBy.clear();
    await h['customer-insights.environments.remove']({ id: environment.id }, ctx);
    expect((await h['customer-insights.environments.list']({}, ctx)).environments).toEqual([]);
    expect(await vault.has(`ci-subscription-key:${environment.id}`)).toBe(false);
  });

  test('answer "no environment" for a page of an environment that is not set up, without the network', async () => {
    const page = { guids: [ENVIRONMENT], address: ['segments', 'VIP'], text: [] };
    expect(await handlers()['customer-insights.page.segment']({ page }, ctx)).toEqual({
      state: 'no-environment',
      environmentId: ENVIRONMENT,
    });
  });
});

describe('interactiveLaunch', () => {
  test('opens the window interactively and passes the redirect through', async () => {
    const calls: unknown[] = [];
    const launch = interactiveLaunch(async (details) => {
      calls.push(details);
      return 'https://extension-id.chromiumapp.org/?code=c&state=s';
    });
    expect(await launch('https://login.microsoftonline.com/x')).toBe(
      'https://extension-id.chromiumapp.org/?code=c&state=s',
    );
    expect(calls).toEqual([{ url: 'https://login.microsoftonline.com/x', interactive: true }]);
  });

  test('turns a rejected or empty flow into a cancelled sign-in', async () => {
    const rejected = interactiveLaunch(async () => {
      throw new Error('The user did not approve access.');
    });
    await expect(rejected('https://x')).rejects.toBeInstanceOf(SignInCancelledError);
    await expect(interactiveLaunch(async () => undefined)('https://x')).rejects.toBeInstanceOf(
      SignInCancelledError,
    );
  });
});

describe('page reports', () => {
  test('keep the segment page per tab and forget it when the tab leaves it', async () => {
    const session = memorySession();

    const status = createStatusHandlers({
      db,
      version: '0',
      session,
      passphraseSet: async () => false,
    });
    const page = { guids: [ENVIRONMENT], address: ['segments', 'VIP'], text: ['VIP'] };
    await status['page.report']({ page }, { tabId: 7, role: 'contributor' });
    expect(await status['tab.context']({ tabId: 7 }, ctx)).toEqual({ page });
    expect(await status['tab.context']({ tabId: 8 }, ctx)).toEqual({ page: null });
    await status['page.report']({ page: null }, { tabId: 7, role: 'contributor' });
    expect(await status['tab.context']({ tabId: 7 }, ctx)).toEqual({ page: null });
  });
});
