import { type PageCluesReport, pageCluesSchema } from '../messaging/protocol.ts';
import type { SessionArea } from './session-area.ts';

/**
 * The segment page each tab's content script last reported. It lives in `storage.session` (this
 * browser session only, not readable by content scripts) because the worker may be stopped between
 * the report and the popup asking for it. A tab that left its segment page is forgotten.
 */
const keyOf = (tabId: number) => `tab-page:${tabId}`;

export async function rememberTabPage(area: SessionArea, tabId: number, page: PageCluesReport | null) {
  if (page === null) await forgetTabPage(area, tabId);
  else await area.set({ [keyOf(tabId)]: page });
}

export async function recallTabPage(area: SessionArea, tabId: number): Promise<PageCluesReport | null> {
  const stored = (await area.get(keyOf(tabId)))[keyOf(tabId)];
  const parsed = pageCluesSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export async function forgetTabPage(area: SessionArea, tabId: number) {
  await area.remove(keyOf(tabId));
}
