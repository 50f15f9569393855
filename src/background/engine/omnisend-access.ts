import type { Clock } from '../../core/clock.ts';
import { type EndpointClass, omnisendRateLimits, paddedLimits, RateBudget } from '../../core/rate-budget.ts';
import type { RetryPolicyOptions } from '../../core/retry-policy.ts';
import { BudgetedOmnisendClient } from '../../omnisend/budgeted-client.ts';
import { type OmnisendApi, OmnisendClient } from '../../omnisend/client.ts';
import { loadBudgetState, saveBudgetState } from '../../storage/budget-state.ts';
import { getConnection } from '../../storage/connections.ts';
import type { Database } from '../../storage/open-database.ts';
import { VaultError } from '../../storage/vault.ts';
import { lockedConnection } from './run-errors.ts';

/** What a run needs of Omnisend: the budgeted API of its connection and the pace of its brand. */
export interface OmnisendAccess {
  api: OmnisendApi;
  brandId: string;
  /** Requests per minute the brand's budget lets through, per class (for ETAs). */
  ratePerMinute: Record<EndpointClass, number>;
}

export interface OmnisendAccessOptions {
  db: Database;
  clock: Clock;
  fetch: typeof fetch;
  /** The connection's API key (the vault's `get`); a rejection means "no connection", or "wait" while locked. */
  apiKeyFor(connectionId: string): Promise<string>;
  /** Length of Omnisend's rate window: 60 000 in production, 1 000 against the ×60 sandbox. */
  windowMs?: number;
  baseUrl?: string;
  random?: () => number;
  retryPolicy?: Partial<RetryPolicyOptions>;
}

export interface OmnisendAccessFactory {
  /** Null when the connection (or its key) no longer exists; throws RunWaiting while its key is locked. */
  omnisendFor(connectionId: string): Promise<OmnisendAccess | null>;
  /** Stores every brand budget's recent grants, so a restarted worker does not burst. */
  persistBudgets(): Promise<void>;
}

/**
 * Budgeted Omnisend clients with one rate budget per brand (DESIGN.md §5), shared by every run and
 * connection of that brand and restored from IndexedDB when first used.
 */
export function createOmnisendAccess(options: OmnisendAccessOptions): OmnisendAccessFactory {
  const budgets = new Map<string, Promise<RateBudget>>();
  const limits = paddedLimits(omnisendRateLimits(options.windowMs));

  function budgetOf(brandId: string): Promise<RateBudget> {
    let budget = budgets.get(brandId);
    if (budget === undefined) {
      budget = loadBudgetState(options.db, brandId).then((state) =>
        state === undefined
          ? new RateBudget({ clock: options.clock, limits })
          : RateBudget.restore(state, { clock: options.clock, limits }),
      );
      budget.catch(() => budgets.delete(brandId));
      budgets.set(brandId, budget);
    }
    return budget;
  }

  return {
    async omnisendFor(connectionId) {
      const connection = await getConnection(options.db, connectionId);
      if (connection === undefined) return null;
      const apiKey = await options.apiKeyFor(connectionId).catch((error: unknown) => {
        if (error instanceof VaultError && error.code === 'locked')
          throw lockedConnection(connection.displayName);
        return null;
      });
      if (apiKey === null) return null;
      const budget = await budgetOf(connection.brand.id);
      const client = new OmnisendClient({
        apiKey,
        fetch: options.fetch,
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      });
      const api = new BudgetedOmnisendClient({
        client,
        budget,
        clock: options.clock,
        ...(options.random === undefined ? {} : { random: options.random }),
        ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
      });
      return {
        api,
        brandId: connection.brand.id,
        ratePerMinute: { default: budget.ratePerMinute('default'), tags: budget.ratePerMinute('tags') },
      };
    },

    async persistBudgets() {
      for (const [brandId, budget] of budgets) {
        await saveBudgetState(options.db, brandId, (await budget).snapshot());
      }
    },
  };
}
