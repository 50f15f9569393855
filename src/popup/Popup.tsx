import browser from 'webextension-polyfill';
import { ActiveRuns } from '../ui/ActiveRuns.tsx';
import { AttentionList } from '../ui/AttentionList.tsx';
import { t } from '../ui/i18n.ts';
import { useLiveRevision } from '../ui/live-runs.ts';
import { useAsync } from '../ui/use-async.ts';
import { ask } from '../ui/worker.ts';
import { openOptionsAt } from './open-options.ts';
import { DetectedSegment } from './PageSegment.tsx';
import { PopupExports } from './PopupExports.tsx';
import { useTabPage } from './use-tab-page.ts';

/**
 * What needs the user first, then the segment the tab shows (on a Customer Insights segment page)
 * or the exports and how their last runs went (anywhere else), and the runs going on now. Run
 * state is pushed by the worker (live-runs), so a run that ends at once shows ended at once.
 */
export function Popup() {
  const revision = useLiveRevision();
  const tab = useTabPage();
  const attention = useAsync(() => ask('attention.list', {}), [revision]);
  return (
    <div class="popup">
      <header class="popup__header">
        <img src="/icons/icon-32.png" alt="" width={24} height={24} />
        <h1>{t('extName')}</h1>
      </header>
      <main class="popup__main">
        {attention.state === 'ready' && (
          <AttentionList items={attention.value.items} onOpen={openOptionsAt} />
        )}
        {tab.state === 'ready' && tab.page && (
          <DetectedSegment key={tab.key} page={tab.page} revision={revision} />
        )}
        <ActiveRuns compact title={t('popupRunning')} />
        {tab.state === 'ready' && !tab.page && <PopupExports revision={revision} />}
      </main>
      <footer class="popup__footer">
        <button type="button" class="secondary" onClick={() => browser.runtime.openOptionsPage()}>
          {t('popupOpenOptions')}
        </button>
      </footer>
    </div>
  );
}
