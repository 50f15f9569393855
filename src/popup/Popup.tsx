import browser from 'webextension-polyfill';
import type { TabContext } from '../messaging/protocol.ts';
import { t } from '../ui/i18n.ts';
import { useAsync } from '../ui/use-async.ts';
import { WorkerStatus } from '../ui/WorkerStatus.tsx';
import { ask } from '../ui/worker.ts';

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

async function activeTabContext(): Promise<TabContext> {
  const tabId = await targetTabId();
  return tabId === undefined ? { page: null } : ask('tab.context', { tabId });
}

export function Popup() {
  const status = useAsync(() => ask('status', {}), []);
  const context = useAsync(activeTabContext, []);
  const page = context.state === 'ready' ? context.value.page : null;
  return (
    <div class="popup">
      <header class="popup__header">
        <img src="/icons/icon-32.png" alt="" width={24} height={24} />
        <h1>{t('extName')}</h1>
      </header>
      <section class="popup__page" aria-live="polite">
        {page ? <p>{t('popupCustomerInsightsPage', page.title)}</p> : <p>{t('popupNoSegment')}</p>}
      </section>
      <WorkerStatus status={status} />
      <button type="button" onClick={() => browser.runtime.openOptionsPage()}>
        {t('popupOpenOptions')}
      </button>
    </div>
  );
}
