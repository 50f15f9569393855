import { useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { PageCluesReport } from '../messaging/protocol.ts';
import { usePolling } from '../ui/use-polling.ts';
import { ask } from '../ui/worker.ts';

/**
 * In-app navigation changes the segment while the popup is open; the content script reports it
 * to the worker at once, so asking again each second keeps the popup in step.
 */
const POLL_MS = 1_000;

export type TabPage = { state: 'loading' } | { state: 'ready'; page: PageCluesReport | null; key: string };

/**
 * The tab the popup speaks about: the active tab, or the one named by `?tab=` when the popup is
 * opened as a page of its own (a detached view keeps following the tab it came from).
 */
async function targetTabId(): Promise<number | undefined> {
  const named = Number.parseInt(new URLSearchParams(location.search).get('tab') ?? '', 10);
  if (Number.isInteger(named) && named >= 0) return named;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

/** The segment page the target tab shows, as its content script last reported it. */
export function useTabPage(): TabPage {
  const [page, setPage] = useState<TabPage>({ state: 'loading' });
  const last = useRef<string | undefined>(undefined);
  usePolling(async (alive) => {
    const tabId = await targetTabId();
    const current = tabId === undefined ? null : (await ask('tab.context', { tabId })).page;
    const key = JSON.stringify(current);
    if (!alive() || key === last.current) return;
    last.current = key;
    setPage({ state: 'ready', page: current, key });
  }, POLL_MS);
  return page;
}
