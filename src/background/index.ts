import browser, { type Runtime } from 'webextension-polyfill';
import { z } from 'zod';
import { OmnisendClient } from '../omnisend/client.ts';
import { deleteAllData } from '../storage/delete-all.ts';
import { exportNamesBySource } from '../storage/exports.ts';
import { openDatabase } from '../storage/open-database.ts';
import { Vault } from '../storage/vault.ts';
import { createConnectionHandlers } from './connection-handlers.ts';
import { createExportHandlers, type RunFacts } from './export-handlers.ts';
import { createRoleHandlers } from './role-handlers.ts';
import { Roles } from './roles.ts';
import { type Gate, route } from './router.ts';
import { classifySender } from './sender.ts';
import { createSourceHandlers } from './source-handlers.ts';
import { SourceRegistry } from './source-registry.ts';
import { createStatusHandlers } from './status-handlers.ts';
import { forgetTabPage } from './tab-pages.ts';

// The extension's CSP forbids `new Function`, which zod would otherwise probe for.
z.config({ jitless: true });

// One readiness gate: started once at import, awaited by every handler.
const ready = openDatabase();
const vault = ready.then((db) => new Vault(db));
const session = browser.storage.session;
const now = () => Date.now();
const roles = new Roles({ ready, session, now });
const newId = () => crypto.randomUUID();
const sources = new SourceRegistry(ready);
const runs: RunFacts = {
  lastRun: async () => null,
  nextRunAt: async () => null,
  exportChanged: async () => {},
};

const handlers = {
  ...createStatusHandlers({ ready, version: browser.runtime.getManifest().version, session, roles }),
  ...createRoleHandlers(roles, async () => {
    await deleteAllData(await ready);
    (await vault).forgetKey();
    await session.clear();
  }),
  ...createConnectionHandlers({
    ready,
    vault,
    roles,
    now,
    newId,
    omnisend: (apiKey) => new OmnisendClient({ apiKey, fetch }),
  }),
  ...createSourceHandlers({
    ready,
    now,
    newId,
    exportsBySource: async () => exportNamesBySource(await ready),
  }),
  ...createExportHandlers({ ready, roles, sources, runs, now, newId }),
};

const gate: Gate = { role: () => roles.current(), administratorActive: () => roles.touch() };
const extensionOrigin = browser.runtime.getURL('').replace(/\/$/, '');

// Listeners are registered synchronously at the top level so that a stopped worker that is
// woken by an event finds them (https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/events).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  const kind = classifySender(sender, browser.runtime.id, extensionOrigin);
  return route(message, kind, handlers, gate, { tabId: sender.tab?.id });
});

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTabPage(browser.storage.session, tabId);
});
