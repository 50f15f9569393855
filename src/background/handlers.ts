import type { Storage } from 'webextension-polyfill';
import { countRecords } from '../storage/counts.ts';
import type { Database } from '../storage/open-database.ts';
import { readAdminPassphrase } from '../storage/settings.ts';
import { HandledError, type Handlers } from './router.ts';
import { recallTabPage, rememberTabPage } from './tab-pages.ts';

export interface WorkerDeps {
  ready: Promise<Database>;
  version: string;
  session: Storage.StorageArea;
}

export function createHandlers({ ready, version, session }: WorkerDeps): Handlers {
  return {
    async status() {
      const db = await ready;
      const [counts, passphrase] = await Promise.all([countRecords(db), readAdminPassphrase(db)]);
      // With no administrator passphrase the single user is the administrator (DESIGN.md §7).
      return { version, role: passphrase ? 'contributor' : 'administrator', counts };
    },
    async 'tab.context'({ tabId }) {
      return { page: await recallTabPage(session, tabId) };
    },
    async 'page.report'(report, { tabId }) {
      if (tabId === undefined) {
        throw new HandledError({ code: 'no-tab', message: 'Page reports come from tabs.', retryable: false });
      }
      await rememberTabPage(session, tabId, report);
      return { accepted: true };
    },
  };
}
