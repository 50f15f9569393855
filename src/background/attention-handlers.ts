import { isTerminal } from '../core/run/run-state.ts';
import type { AttentionItem } from '../messaging/protocol.ts';
import { listConnections } from '../storage/connections.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  listCustomerInsightsEnvironments,
} from '../storage/customer-insights-environments.ts';
import type { Database } from '../storage/open-database.ts';
import { listRuns } from '../storage/run-records.ts';
import type { Roles } from './roles.ts';
import type { Handlers } from './router.ts';

export interface AttentionDeps {
  db: Database;
  roles: Roles;
  /** Whether the browser lets the extension reach an environment's Dataverse organisation. */
  reachable(record: CustomerInsightsEnvironmentRecord): Promise<boolean>;
}

/**
 * "Needs attention": connections whose key Omnisend refused (those the user can see), environments
 * that want a new sign-in or whose Dataverse organisation the browser no longer lets the extension
 * reach, and a full storage that stopped the latest run.
 */
export function createAttentionHandlers({
  db,
  roles,
  reachable,
}: AttentionDeps): Pick<Handlers, 'attention.list'> {
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
        const name = e.name ?? e.environmentId;
        if (!(await reachable(e)) && e.orgUrl !== null) {
          items.push({ kind: 'access-required', sourceId: e.id, name, host: new URL(e.orgUrl).host });
        } else if (e.signedInAt !== null && e.signInRequired) {
          items.push({ kind: 'sign-in-required', sourceId: e.id, name });
        }
      }
      const lastEnded = runs.find((run) => isTerminal(run.status));
      if (lastEnded?.error?.code === 'storage-full') items.push({ kind: 'storage-full' });
      return { items };
    },
  };
}
