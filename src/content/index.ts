import browser from 'webextension-polyfill';
import { z } from 'zod';
import { collectPageClues } from '../core/segment-page.ts';
import { send } from '../messaging/send.ts';
import { readPageFacts } from './page-facts.ts';

z.config({ jitless: true });

/**
 * Tells the worker what this Customer Insights page says about where it is – the GUIDs of its
 * address and the strings that could name a segment – nothing else (DESIGN.md §2). The worker
 * matches them against the environments and segments it knows. The app navigates without page
 * loads (history API), which an isolated-world script cannot hook, so the page is looked at again
 * whenever the DOM changes (address, title, heading and breadcrumb all change with it) and, where
 * the browser has the Navigation API, after each same-document navigation; settled over a short
 * delay so that a render burst costs one look. The worker forgets a tab's page at every
 * navigation (background/index.ts), so each one is reported again, even to the same segment.
 */
const SETTLE_MS = 150;

let last: string | undefined;
let navigations = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function look() {
  timer = undefined;
  const page = collectPageClues(readPageFacts(document, location.href));
  const key = JSON.stringify([location.href, navigations, page]);
  if (key === last) return;
  last = key;
  send((message) => browser.runtime.sendMessage(message), 'page.report', { page }).catch(() => {
    // The worker refuses or is being updated; the next change reports again.
    last = undefined;
  });
}

function schedule() {
  if (timer === undefined) timer = setTimeout(look, SETTLE_MS);
}

look();
new MutationObserver(schedule).observe(document, { subtree: true, childList: true, characterData: true });
addEventListener('popstate', schedule);
addEventListener('hashchange', schedule);
(globalThis as { navigation?: EventTarget }).navigation?.addEventListener('currententrychange', () => {
  navigations++;
  schedule();
});
