import browser from 'webextension-polyfill';
import { systemClock } from '../core/clock.ts';
import { originPattern } from '../core/org-url.ts';
import { deleteAllData } from '../storage/delete-all.ts';
import { openDatabase } from '../storage/open-database.ts';
import { Vault } from '../storage/vault.ts';
import { CustomerInsightsEnvironments } from './customer-insights/environments.ts';
import { CiSecrets } from './customer-insights/token-store.ts';
import { createEngine } from './engine/engine.ts';
import { createOmnisendAccess } from './engine/omnisend-access.ts';
import { Roles } from './roles.ts';
import { createRunFeedback } from './run-feedback.ts';
import { SourceRegistry } from './source-registry.ts';

/**
 * The worker's long-lived parts, built once per worker start. Nothing here holds state that must
 * outlive the worker: that is in IndexedDB (durable) or storage.session (this browser session).
 */
export const ready = openDatabase();
export const vault = ready.then((db) => new Vault(db));
export const session = browser.storage.session;
export const now = () => Date.now();
export const newId = () => crypto.randomUUID();
export const roles = new Roles({ ready, session, now });
export const ciSecrets = new CiSecrets(vault);
export const customerInsights = new CustomerInsightsEnvironments({
  ready,
  secrets: ciSecrets,
  fetch: (input, init) => fetch(input, init),
  clock: systemClock,
  redirectUrl: () => browser.identity.getRedirectURL(),
  originAllowed: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
});
export const sources = new SourceRegistry(ready, customerInsights);

export const engine = ready.then((db) => {
  const access = createOmnisendAccess({
    db,
    clock: systemClock,
    fetch: (input, init) => fetch(input, init),
    apiKeyFor: async (connectionId) => (await vault).get(connectionId),
  });
  const feedback = createRunFeedback({ action: browser.action, notifications: browser.notifications });
  return createEngine({
    db,
    clock: systemClock,
    omnisendFor: access.omnisendFor,
    persistBudgets: access.persistBudgets,
    sourceFor: (sourceId) => sources.sourceFor(sourceId),
    alarms: {
      set: (name, when) => browser.alarms.create(name, { when }),
      clear: async (name) => {
        await browser.alarms.clear(name);
      },
    },
    notify: (event) => {
      feedback(event).catch(() => undefined);
    },
    soleWorker: true,
  });
});

/** Settings › "Delete all data": stop every run first, so none writes into the emptied database. */
export async function deleteEverything(): Promise<void> {
  const running = await engine;
  for (const run of await running.activeRuns()) await running.cancel(run.runId);
  await deleteAllData(await ready);
  (await vault).forgetKey();
  customerInsights.forgetAll();
  await session.clear();
}
