import browser from 'webextension-polyfill';
import { OmnisendClient } from '../omnisend/client.ts';
import { exportNamesBySource } from '../storage/exports.ts';
import { fileParseErrors } from '../storage/file-sources.ts';
import { createCheckHandlers } from './check-handlers.ts';
import { createConnectionHandlers } from './connection-handlers.ts';
import { createCustomerInsightsHandlers } from './customer-insights/environment-handlers.ts';
import { interactiveLaunch } from './customer-insights/web-auth-flow.ts';
import { ExportChecks } from './export-checks.ts';
import { createExportHandlers } from './export-handlers.ts';
import { createRoleHandlers } from './role-handlers.ts';
import type { Handlers } from './router.ts';
import { createRunHandlers } from './run-handlers.ts';
import { createRunProblemHandlers } from './run-problem-handlers.ts';
import {
  ciSecrets,
  customerInsights,
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

const checks = new ExportChecks({
  sourceFor: (sourceId) => sources.sourceFor(sourceId),
  fileErrors: async (sourceId) => fileParseErrors(await ready, sourceId),
  now,
  newId,
  today: () => new Date(now()).toISOString().slice(0, 10),
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
  ...createCheckHandlers(checks),
  ...createRunHandlers(engine),
  ...createRunProblemHandlers(ready),
  ...createCustomerInsightsHandlers({
    ready,
    roles,
    secrets: ciSecrets,
    environments: customerInsights,
    launch: interactiveLaunch((details) => browser.identity.launchWebAuthFlow(details)),
    exportsBySource: async () => exportNamesBySource(await ready),
    saveExport: (draft) => exportHandlers['exports.save']({ draft }, { tabId: undefined }),
    signedIn: async () => (await engine).resume(),
    now,
    newId,
  }),
};
