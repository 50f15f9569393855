import { CustomerInsightsError, SignInError } from '../../sources/customer-insights/index.ts';
import { VaultError } from '../../storage/vault.ts';
import { HandledError } from '../router.ts';

export const fail = (code: string, message: string, details?: string[]) =>
  new HandledError({ code, message, retryable: false, ...(details ? { details } : {}) });

/**
 * The source's typed errors carry messages written for people and free of secrets
 * (sources/customer-insights/errors.ts), so they cross to the page as they are.
 */
export function asHandled(error: unknown): unknown {
  if (error instanceof SignInError || error instanceof CustomerInsightsError) {
    return new HandledError({ code: error.code, message: error.message, retryable: error.retryable });
  }
  if (error instanceof VaultError && error.code !== 'locked') {
    return fail(
      'customer-insights.secret-unreadable',
      'The saved subscription key cannot be read – enter it again in Sources.',
    );
  }
  return error;
}

export async function handled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asHandled(error);
  }
}
