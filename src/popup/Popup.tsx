import browser from 'webextension-polyfill';
import { ActiveRuns } from '../ui/ActiveRuns.tsx';
import { t } from '../ui/i18n.ts';
import { useAsync } from '../ui/use-async.ts';
import { WorkerStatus } from '../ui/WorkerStatus.tsx';
import { ask } from '../ui/worker.ts';
import { PageSegment } from './PageSegment.tsx';

export function Popup() {
  const status = useAsync(() => ask('status', {}), []);
  return (
    <div class="popup">
      <header class="popup__header">
        <img src="/icons/icon-32.png" alt="" width={24} height={24} />
        <h1>{t('extName')}</h1>
      </header>
      <section class="popup__page" aria-live="polite">
        <PageSegment />
      </section>
      <ActiveRuns />
      <WorkerStatus status={status} />
      <button type="button" onClick={() => browser.runtime.openOptionsPage()}>
        {t('popupOpenOptions')}
      </button>
    </div>
  );
}
