import { refreshTokenId, subscriptionKeyId } from '../../storage/customer-insights-environments.ts';
import type { Vault } from '../../storage/vault.ts';

/**
 * The secrets of a Customer Insights environment, in the encrypted vault: the Data API
 * subscription key and the Entra refresh token. Access tokens are never stored (TokenProvider
 * keeps them in memory; a stopped worker spends one refresh for a new one).
 */
export class CustomerInsightsSecrets {
  constructor(private readonly vault: Vault) {}

  async subscriptionKey(id: string): Promise<string> {
    return this.vault.get(subscriptionKeyId(id));
  }

  async setSubscriptionKey(id: string, key: string): Promise<void> {
    await this.vault.put(subscriptionKeyId(id), key);
  }

  async refreshToken(id: string): Promise<string | null> {
    return (await this.vault.has(refreshTokenId(id))) ? this.vault.get(refreshTokenId(id)) : null;
  }

  async saveRefreshToken(id: string, token: string): Promise<void> {
    await this.vault.put(refreshTokenId(id), token);
  }

  async forgetRefreshToken(id: string): Promise<void> {
    await this.vault.delete(refreshTokenId(id));
  }
}
