import { type PageReport, pageReportSchema } from '../messaging/protocol.ts';
import type { SessionArea } from './session-area.ts';

/**
 * What each tab's content script last reported. It lives in `storage.session` (this browser
 * session only, not readable by content scripts) because the worker may be stopped between the
 * report and the popup asking for it.
 */
const keyOf = (tabId: number) => `tab-page:${tabId}`;

export async function rememberTabPage(area: SessionArea, tabId: number, page: PageReport) {
  await area.set({ [keyOf(tabId)]: page });
}

export async function recallTabPage(area: SessionArea, tabId: number): Promise<PageReport | null> {
  const stored = (await area.get(keyOf(tabId)))[keyOf(tabId)];
  const parsed = pageReportSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export async function forgetTabPage(area: SessionArea, tabId: number) {
  await area.remove(keyOf(tabId));
}
