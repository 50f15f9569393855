import browser from 'webextension-polyfill';
import { OmnisendClient } from '../omnisend/client.ts';
import { exportNamesBySource } from '../storage/exports.ts';
import { createConnectionHandlers } from './connection-handlers.ts';
import { createCustomerInsightsHandlers } from './customer-insights/environment-handlers.ts';
import { interactiveLaunch } from './customer-insights/web-auth-flow.ts';
import { createExportHandlers } from './export-handlers.ts';
import { createRoleHandlers } from './role-handlers.ts';
import type { Handlers } from './router.ts';
import { createRunHandlers } from './run-handlers.ts';
import {
  customerInsights,
  customerInsightsSecrets,
  deleteEverything,
  engine,
  newId,
  now,
  ready,
  roles,
  session,
  sources,
  vault,
} from './services.ts';
import { createSourceHandlers } from './source-handlers.ts';
import { createStatusHandlers } from './status-handlers.ts';

const exportHandlers = createExportHandlers({
  ready,
  roles,
  sources,
  now,
  newId,
  runs: {
    lastRun: async (id) => (await engine).lastRun(id),
    nextRunAt: async (id) => (await engine).nextRunAt(id),
    exportChanged: async (id, removed) => (await engine).exportChanged(id, removed),
  },
});

/** The one handler map: every protocol message, by feature. */
export const handlers: Handlers = {
  ...createStatusHandlers({ ready, version: browser.runtime.getManifest().version, session, roles }),
  ...createRoleHandlers(roles, deleteEverything),
  ...createConnectionHandlers({
    ready,
    vault,
    roles,
    now,
    newId,
    omnisend: (apiKey) => new OmnisendClient({ apiKey, fetch: (input, init) => fetch(input, init) }),
  }),
  ...createSourceHandlers({
    ready,
    now,
    newId,
    exportsBySource: async () => exportNamesBySource(await ready),
  }),
  ...exportHandlers,
  ...createRunHandlers(engine),
  ...createCustomerInsightsHandlers({
    ready,
    roles,
    secrets: customerInsightsSecrets,
    environments: customerInsights,
    launch: interactiveLaunch((details) => browser.identity.launchWebAuthFlow(details)),
    exportsBySource: async () => exportNamesBySource(await ready),
    saveExport: (draft) => exportHandlers['exports.save']({ draft }, { tabId: undefined }),
    signedIn: async () => (await engine).resume(),
    now,
    newId,
  }),
};
