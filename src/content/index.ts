import browser from 'webextension-polyfill';
import { z } from 'zod';
import { send } from '../messaging/send.ts';

z.config({ jitless: true });

/**
 * Tells the worker which Customer Insights page this tab shows. The app navigates without page
 * loads (history API), which an isolated-world script cannot hook, so it reports again whenever
 * the address or the title changes.
 */
let last = '';

function report() {
  const current = `${location.href}\n${document.title}`;
  if (current === last) return;
  last = current;
  send((message) => browser.runtime.sendMessage(message), 'page.report', {
    url: location.href,
    title: document.title.slice(0, 500),
  }).catch(() => {
    // The worker refuses or is being updated; the next change reports again.
    last = '';
  });
}

report();
new MutationObserver(report).observe(document, { subtree: true, childList: true, characterData: true });
addEventListener('popstate', report);
