import { countRecords } from '../storage/counts.ts';
import type { Database } from '../storage/open-database.ts';
import type { Roles } from './roles.ts';
import { HandledError, type Handlers } from './router.ts';
import type { SessionArea } from './session-area.ts';
import { recallTabPage, rememberTabPage } from './tab-pages.ts';

export interface StatusDeps {
  db: Database;
  version: string;
  session: SessionArea;
  roles: Roles;
}

type StatusHandlers = Pick<Handlers, 'status' | 'tab.context' | 'page.report'>;

export function createStatusHandlers({ db, version, session, roles }: StatusDeps): StatusHandlers {
  return {
    async status() {
      const [counts, role, passphraseSet] = await Promise.all([
        countRecords(db),
        roles.current(),
        roles.passphraseSet(),
      ]);
      return { version, role, passphraseSet, counts };
    },
    async 'tab.context'({ tabId }) {
      return { page: await recallTabPage(session, tabId) };
    },
    async 'page.report'({ page }, { tabId }) {
      if (tabId === undefined) {
        throw new HandledError({ code: 'no-tab', message: 'Page reports come from tabs.', retryable: false });
      }
      await rememberTabPage(session, tabId, page);
      return { accepted: true };
    },
  };
}
