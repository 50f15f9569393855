import browser, { type Runtime } from 'webextension-polyfill';
import { z } from 'zod';
import { systemClock } from '../core/clock.ts';
import { originPattern } from '../core/org-url.ts';
import { openDatabase } from '../storage/open-database.ts';
import { createWorker } from './create-worker.ts';
import { SCHEDULE_ALARM, WATCHDOG_ALARM } from './engine/engine-types.ts';
import { forgetTabPage } from './tab-pages.ts';

// The extension's CSP forbids `new Function`, which zod would otherwise probe for.
z.config({ jitless: true });

// The only file that binds `browser.*`; everything else takes the platform from createWorker.
const worker = createWorker({
  openDatabase,
  session: browser.storage.session,
  // Called as plain functions: a browser's fetch throws "Illegal invocation" as a method of another object.
  fetch: (input, init) => fetch(input, init),
  originAllowed: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
  alarms: {
    set: (name, when) => browser.alarms.create(name, { when }),
    clear: async (name) => {
      await browser.alarms.clear(name);
    },
  },
  identity: {
    redirectUrl: () => browser.identity.getRedirectURL(),
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
  },
  action: browser.action,
  notifications: browser.notifications,
  i18n: { getMessage: (key, substitutions) => browser.i18n.getMessage(key, substitutions) },
  clock: systemClock,
  extension: {
    id: browser.runtime.id,
    origin: browser.runtime.getURL('').replace(/\/$/, ''),
    version: browser.runtime.getManifest().version,
  },
  newId: () => crypto.randomUUID(),
});

// Listeners are registered synchronously at the top level so that a stopped worker that is
// woken by an event finds them (https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/events).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) =>
  worker.route(message, sender),
);

browser.alarms.onAlarm.addListener(async (alarm) => {
  const engine = await worker.engine();
  if (alarm.name === WATCHDOG_ALARM) await engine.resume();
  if (alarm.name === SCHEDULE_ALARM) await engine.onScheduleAlarm();
});

// A Dataverse organisation the user just allowed: runs waiting for it go on now.
browser.permissions.onAdded.addListener(() => worker.originsGranted());

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTabPage(browser.storage.session, tabId);
});

// Every navigation of a tab — to another site, another page, or the app changing its address
// (Chromium reports `status: 'loading'` for all of them, history.pushState included) — forgets the
// segment page the tab showed, so the popup never offers "Export now" for a page the tab left. A
// Customer Insights page reports itself again after each navigation (src/content/index.ts).
browser.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === 'loading') void forgetTabPage(browser.storage.session, tabId);
});

// A listener for browser start-up makes Chrome start the worker with the browser, so a run cut
// off by closing the browser goes on by itself when it opens again.
browser.runtime.onStartup.addListener(() => {
  void worker.catchUp();
});

void worker.catchUp();
