import { type RateBudgetState, rateBudgetStateSchema } from '../core/rate-budget.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * The rate budget of each Omnisend brand across worker restarts (DESIGN.md §5): the grants of the
 * last window and any pending 429 penalty, so a restarted worker does not burst into a full window.
 */
export async function loadBudgetState(db: Database, brandId: string): Promise<RateBudgetState | undefined> {
  const value = await db.get('budgets', brandId);
  return value === undefined ? undefined : parseRecord(rateBudgetStateSchema, 'budgets', brandId, value);
}

export async function saveBudgetState(db: Database, brandId: string, state: RateBudgetState): Promise<void> {
  await db.put('budgets', rateBudgetStateSchema.parse(state), brandId);
}
