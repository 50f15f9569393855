import { isTerminal } from '../core/run/run-state.ts';
import type { AttentionItem } from '../messaging/protocol.ts';
import { listConnections } from '../storage/connections.ts';
import { listCustomerInsightsEnvironments } from '../storage/customer-insights-environments.ts';
import type { Database } from '../storage/open-database.ts';
import { listRuns } from '../storage/run-records.ts';
import type { Roles } from './roles.ts';
import type { Handlers } from './router.ts';

export interface AttentionDeps {
  db: Database;
  roles: Roles;
}

/**
 * "Needs attention": connections whose key Omnisend refused (those the user can see), environments
 * that want a new sign-in, and a full storage that stopped the latest run.
 */
export function createAttentionHandlers({ db, roles }: AttentionDeps): Pick<Handlers, 'attention.list'> {
  return {
    async 'attention.list'() {
      const [role, connections, environments, runs] = await Promise.all([
        roles.current(),
        listConnections(db),
        listCustomerInsightsEnvironments(db),
        listRuns(db),
      ]);
      const items: AttentionItem[] = [];
      for (const c of connections) {
        const visible = role === 'administrator' || c.shareWith === 'administrators-and-contributors';
        if (visible && c.problem)
          items.push({
            kind: 'connection-rejected',
            connectionId: c.id,
            name: c.displayName,
            code: c.problem.code,
          });
      }
      for (const e of environments) {
        if (e.signedInAt !== null && e.signInRequired)
          items.push({ kind: 'sign-in-required', sourceId: e.id, name: e.name ?? e.environmentId });
      }
      const lastEnded = runs.find((run) => isTerminal(run.status));
      if (lastEnded?.error?.code === 'storage.full') items.push({ kind: 'storage-full' });
      return { items };
    },
  };
}
