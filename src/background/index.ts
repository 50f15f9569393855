import browser, { type Runtime } from 'webextension-polyfill';
import { z } from 'zod';
import { SCHEDULE_ALARM, WATCHDOG_ALARM } from './engine/engine-types.ts';
import { handlers } from './handlers.ts';
import { type Gate, route } from './router.ts';
import { classifySender } from './sender.ts';
import { engine, roles } from './services.ts';
import { forgetTabPage } from './tab-pages.ts';

// The extension's CSP forbids `new Function`, which zod would otherwise probe for.
z.config({ jitless: true });

const gate: Gate = { role: () => roles.current(), administratorActive: () => roles.touch() };
const extensionOrigin = browser.runtime.getURL('').replace(/\/$/, '');

// Listeners are registered synchronously at the top level so that a stopped worker that is
// woken by an event finds them (https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/events).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  const kind = classifySender(sender, browser.runtime.id, extensionOrigin);
  return route(message, kind, handlers, gate, { tabId: sender.tab?.id });
});

browser.alarms.onAlarm.addListener(async (alarm) => {
  const running = await engine;
  if (alarm.name === WATCHDOG_ALARM) await running.resume();
  if (alarm.name === SCHEDULE_ALARM) await running.onScheduleAlarm();
});

// A Dataverse organisation the user just allowed: runs waiting for it go on now.
browser.permissions.onAdded.addListener(async () => {
  await (await engine).resume();
});

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTabPage(browser.storage.session, tabId);
});

// Every start of the worker continues unfinished runs and catches up with missed schedules
// (once each, not once per missed slot); the alarms only wake a worker that was stopped.
async function catchUp() {
  const running = await engine;
  await running.resume();
  await running.onScheduleAlarm();
}

// A listener for browser start-up makes Chrome start the worker with the browser, so a run cut
// off by closing the browser goes on by itself when it opens again.
browser.runtime.onStartup.addListener(() => {
  void catchUp();
});

void catchUp();
