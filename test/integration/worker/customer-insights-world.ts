import { IDBFactory } from 'fake-indexeddb';
import { createWorker } from '../../../src/background/create-worker.ts';
import { CustomerInsightsEnvironments } from '../../../src/background/customer-insights/environments.ts';
import { CustomerInsightsSecrets } from '../../../src/background/customer-insights/secrets.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { protocol } from '../../../src/messaging/protocol.ts';
import { putConnection } from '../../../src/storage/connections.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import type { CustomerInsightsSandbox } from '../../sandbox/customer-insights/index.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { plainVault } from '../../support/plain-vault.ts';

export const REDIRECT_URL = 'https://abcdefghijklmnop.chromiumapp.org/';
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';

/**
 * The worker as `createWorker` builds it, over fake-indexeddb and the Customer Insights sandbox;
 * tests talk to it with the options page's messages. `launchWebAuthFlow` is played by following
 * the sandbox's consenting 302.
 */
export async function customerInsightsWorld(
  sandbox: CustomerInsightsSandbox,
  fetch: typeof globalThis.fetch,
) {
  globalThis.indexedDB = new IDBFactory();
  const db: Database = await openDatabase();
  /** Origins the browser lets the extension reach, as `permissions.contains` would say. */
  const allowedOrigins = new Set<string>(sandbox.hosts.map((host) => `https://${host}`));
  const originAllowed = async (origin: string) => allowedOrigins.has(origin);
  let ids = 0;
  const launched: string[] = [];
  const launchWebAuthFlow = async ({ url }: { url: string }) => {
    launched.push(url);
    const response = await fetch(url, { redirect: 'manual' });
    return response.headers.get('location') ?? undefined;
  };
  const worker = createWorker(
    fakePlatform({
      openDatabase: async () => db,
      fetch,
      originAllowed,
      identity: { redirectUrl: () => REDIRECT_URL, launchWebAuthFlow },
      newId: () => `id${++ids}`,
    }),
  );
  const ask = askAs(worker);
  const vault = plainVault(db);
  const addEnvironment = async (environmentId = sandbox.environmentId) =>
    (
      await ask('customer-insights.environments.save', {
        route: 'data-api',
        environmentId,
        tenant: 'organizations',
        clientId: CLIENT_ID,
        subscriptionKey: sandbox.subscriptionKey,
      })
    ).environment;
  /** As the form saves it: the organisation URL as pasted, parsed by the message's schema. */
  const addDataverseEnvironment = async (
    environmentId = sandbox.environmentId,
    orgUrl = sandbox.orgUrl(environmentId),
  ) =>
    (
      await ask(
        'customer-insights.environments.save',
        protocol['customer-insights.environments.save'].request.parse({
          route: 'dataverse',
          environmentId,
          orgUrl: `${orgUrl}/main.aspx?appid=0a1b2c3d`,
          tenant: 'organizations',
          clientId: CLIENT_ID,
        }),
      )
    ).environment;
  const addConnection = (
    id: string,
    displayName: string,
    shareWith: 'administrators' | 'administrators-and-contributors',
  ) =>
    putConnection(db, {
      id,
      displayName,
      shareWith,
      brand: { id: 'b1', name: 'Brand' },
      keyHint: '••••1234',
      consent: { agreedAt: 1, statementVersion: '2026-11' },
      createdAt: 1,
      lastUsedAt: null,
    });
  return {
    db,
    /** The same vault the worker uses, to look for secrets. */
    vault,
    worker,
    ask,
    launched,
    /** The environments as a newly started worker sees them: nothing in memory, the same IndexedDB. */
    restartedEnvironments: () =>
      new CustomerInsightsEnvironments({
        db,
        secrets: new CustomerInsightsSecrets(vault),
        fetch,
        clock: systemClock,
        redirectUrl: () => REDIRECT_URL,
        originAllowed,
      }),
    allowedOrigins,
    addEnvironment,
    addDataverseEnvironment,
    addConnection,
  };
}
