import browser, { type Runtime } from 'webextension-polyfill';
import { z } from 'zod';
import { openDatabase } from '../storage/open-database.ts';
import { createHandlers } from './handlers.ts';
import { route } from './router.ts';
import { classifySender } from './sender.ts';
import { forgetTabPage } from './tab-pages.ts';

// The extension's CSP forbids `new Function`, which zod would otherwise probe for.
z.config({ jitless: true });

// One readiness gate: started once at import, awaited by every handler.
const ready = openDatabase();

const handlers = createHandlers({
  ready,
  version: browser.runtime.getManifest().version,
  session: browser.storage.session,
});

const extensionOrigin = browser.runtime.getURL('').replace(/\/$/, '');

// Listeners are registered synchronously at the top level so that a stopped worker that is
// woken by an event finds them (https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/events).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  const kind = classifySender(sender, browser.runtime.id, extensionOrigin);
  return route(message, kind, handlers, { tabId: sender.tab?.id });
});

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTabPage(browser.storage.session, tabId);
});
