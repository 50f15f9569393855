import { getConnection } from '../storage/connections.ts';
import {
  environmentAllowsLockedRuns,
  environmentOfSecret,
  getCustomerInsightsEnvironment,
} from '../storage/customer-insights-environments.ts';
import type { Database } from '../storage/open-database.ts';
import { allowsLockedRuns } from '../storage/records.ts';

/**
 * Where the vault seals a secret (vault.ts): under its owner's device key when the owner — the
 * connection whose API key it is, or the Customer Insights environment whose subscription key or
 * sign-in it is — allows scheduled runs while locked; otherwise (and for a secret whose owner is
 * not saved yet) under the vault key, which the passphrase protects.
 */
export async function secretPlacement(db: Database, secretId: string): Promise<string | null> {
  const environmentId = environmentOfSecret(secretId);
  if (environmentId !== null) {
    const environment = await getCustomerInsightsEnvironment(db, environmentId);
    return environment && environmentAllowsLockedRuns(environment) ? environmentId : null;
  }
  const connection = await getConnection(db, secretId);
  return connection && allowsLockedRuns(connection) ? secretId : null;
}
