import { listConnections } from '../storage/connections.ts';
import { countRecords, type StoreCounts } from '../storage/counts.ts';
import type { Database } from '../storage/open-database.ts';
import { listRuns } from '../storage/run-records.ts';
import { readAccess } from './access.ts';
import { HandledError, type Handlers } from './router.ts';
import type { SessionArea } from './session-area.ts';
import { recallTabPage, rememberTabPage } from './tab-pages.ts';

export interface StatusDeps {
  db: Database;
  version: string;
  session: SessionArea;
  /** Whether an administrator passphrase protects the vault (roles.ts). */
  passphraseSet: () => Promise<boolean>;
}

/** What a contributor may see counted: shared connections, and the exports and runs that use them. */
async function countShared(db: Database): Promise<StoreCounts> {
  const access = await readAccess(db);
  const connections = (await listConnections(db)).filter((c) => access.ofConnection(c.id) === 'everyone');
  let runs = 0;
  for (const run of await listRuns(db)) if (access.ofRun(run) === 'everyone') runs++;
  return { connections: connections.length, exports: access.exportsFor('contributor').length, runs };
}

type StatusHandlers = Pick<Handlers, 'status' | 'tab.context' | 'page.report'>;

export function createStatusHandlers({ db, version, session, passphraseSet }: StatusDeps): StatusHandlers {
  return {
    async status(_, { role }) {
      const [counts, isSet] = await Promise.all([
        role === 'administrator' ? countRecords(db) : countShared(db),
        passphraseSet(),
      ]);
      return { version, role, passphraseSet: isSet, counts };
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
