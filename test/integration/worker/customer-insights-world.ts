import { IDBFactory } from 'fake-indexeddb';
import { createCustomerInsightsHandlers } from '../../../src/background/customer-insights/environment-handlers.ts';
import { CustomerInsightsEnvironments } from '../../../src/background/customer-insights/environments.ts';
import { CiSecrets } from '../../../src/background/customer-insights/token-store.ts';
import { interactiveLaunch } from '../../../src/background/customer-insights/web-auth-flow.ts';
import { createExportHandlers } from '../../../src/background/export-handlers.ts';
import { Roles } from '../../../src/background/roles.ts';
import { SourceRegistry } from '../../../src/background/source-registry.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { protocol } from '../../../src/messaging/protocol.ts';
import { putConnection } from '../../../src/storage/connections.ts';
import { exportNamesBySource } from '../../../src/storage/exports.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { Vault } from '../../../src/storage/vault.ts';
import type { CustomerInsightsSandbox } from '../../sandbox/customer-insights/index.ts';
import { memorySession } from '../../support/memory-session.ts';

export const REDIRECT_URL = 'https://abcdefghijklmnop.chromiumapp.org/';
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const ctx = { tabId: undefined };

/**
 * The worker's Customer Insights part as `handlers.ts` wires it, over fake-indexeddb and the
 * sandbox: `launchWebAuthFlow` is played by following the sandbox's consenting 302.
 */
export async function customerInsightsWorld(
  sandbox: CustomerInsightsSandbox,
  fetch: typeof globalThis.fetch,
) {
  globalThis.indexedDB = new IDBFactory();
  const db: Database = await openDatabase();
  const ready = Promise.resolve(db);
  const vault = new Vault(db);
  const secrets = new CiSecrets(Promise.resolve(vault));
  const roles = new Roles({ ready, session: memorySession(), now: () => Date.now(), iterations: 1_000 });
  /** Origins the browser lets the extension reach, as `permissions.contains` would say. */
  const allowedOrigins = new Set<string>(sandbox.hosts.map((host) => `https://${host}`));
  const environments = new CustomerInsightsEnvironments({
    ready,
    secrets,
    fetch,
    clock: systemClock,
    redirectUrl: () => REDIRECT_URL,
    originAllowed: async (origin) => allowedOrigins.has(origin),
  });
  const sources = new SourceRegistry(ready, environments);
  let ids = 0;
  const newId = () => `id${++ids}`;
  const launched: string[] = [];
  const launchWebAuthFlow = async ({ url }: { url: string }) => {
    launched.push(url);
    const response = await fetch(url, { redirect: 'manual' });
    return response.headers.get('location') ?? undefined;
  };
  const exports = createExportHandlers({
    ready,
    roles,
    sources,
    now: () => Date.now(),
    newId,
    runs: { lastRun: async () => null, nextRunAt: async () => null, exportChanged: async () => {} },
  });
  let signIns = 0;
  const handlers = createCustomerInsightsHandlers({
    ready,
    roles,
    secrets,
    environments,
    launch: interactiveLaunch(launchWebAuthFlow),
    exportsBySource: () => exportNamesBySource(db),
    saveExport: (draft) => exports['exports.save']({ draft }, ctx),
    signedIn: async () => {
      signIns++;
    },
    now: () => Date.now(),
    newId,
  });
  const addEnvironment = async (environmentId = sandbox.environmentId) =>
    (
      await handlers['ci.environments.save'](
        {
          route: 'data-api',
          environmentId,
          tenant: 'organizations',
          clientId: CLIENT_ID,
          subscriptionKey: sandbox.subscriptionKey,
        },
        ctx,
      )
    ).environment;
  /** As the form saves it: the organisation URL as pasted, parsed by the message's schema. */
  const addDataverseEnvironment = async (
    environmentId = sandbox.environmentId,
    orgUrl = sandbox.orgUrl(environmentId),
  ) =>
    (
      await handlers['ci.environments.save'](
        protocol['ci.environments.save'].request.parse({
          route: 'dataverse',
          environmentId,
          orgUrl: `${orgUrl}/main.aspx?appid=0a1b2c3d`,
          tenant: 'organizations',
          clientId: CLIENT_ID,
        }),
        ctx,
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
    vault,
    roles,
    environments,
    sources,
    handlers,
    exports,
    launched,
    /** How often a sign-in told the engine to resume waiting runs. */
    signIns: () => signIns,
    allowedOrigins,
    addEnvironment,
    addDataverseEnvironment,
    addConnection,
  };
}
