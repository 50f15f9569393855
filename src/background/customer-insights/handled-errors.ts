import { CustomerInsightsError, SignInError } from '../../sources/customer-insights/index.ts';
import { VaultError } from '../../storage/vault.ts';
import { HandledError, refusal } from '../router.ts';

/** The source's typed errors (sources/customer-insights/errors.ts) cross to the page by their code. */
export function asHandled(error: unknown): unknown {
  if (error instanceof SignInError || error instanceof CustomerInsightsError) {
    return new HandledError({ code: error.code, retryable: error.retryable });
  }
  // A locked vault is no unreadable key: the router answers it as `vault-locked`.
  if (error instanceof VaultError && error.code !== 'locked')
    return refusal('customer-insights.secret-unreadable');
  return error;
}

export async function handled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asHandled(error);
  }
}
