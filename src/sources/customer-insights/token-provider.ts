import { abortReason, type Clock } from '../../core/clock.ts';
import { type EntraConfig, redeemRefreshToken, type TokenSet } from './entra-sign-in.ts';
import { SignInRequiredError } from './errors.ts';

/** What the Data API client needs of a sign-in. */
export interface AccessTokens {
  /** An access token that stays valid for a while yet. */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** The API refused `rejected` (401): a fresh one. Callers ask this once per request. */
  renew(rejected: string, signal?: AbortSignal): Promise<string>;
}

export interface TokenProviderOptions {
  entra: EntraConfig;
  fetch: typeof fetch;
  clock: Clock;
  /** The refresh token the worker keeps in the vault, or null before the first sign-in. */
  refreshToken: string | null;
  /** Persists a rotated refresh token (the worker writes it to the encrypted vault). */
  saveRefreshToken(token: string): Promise<void>;
  /** How long a refresh may take (default: entra-sign-in's `TOKEN_TIMEOUT_MS`). */
  tokenTimeoutMs?: number;
  /** Refresh this long before expiry (default 5 minutes, as MSAL does), at most half a token's life. */
  refreshMarginMs?: number;
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

interface HeldToken {
  value: string;
  refreshAt: number;
}

/**
 * Holds the Data API access token in memory only (the worker may stop at any time; a new one
 * costs one refresh), refreshes it shortly before it expires or once after the API rejected it,
 * and persists every rotated refresh token. Concurrent callers share one refresh. When Entra
 * refuses the refresh token (`invalid_grant` and friends) it throws `SignInRequiredError`, and keeps
 * throwing it without asking Entra again until `accept` receives a new sign-in.
 */
export class TokenProvider implements AccessTokens {
  readonly #options: TokenProviderOptions;
  #refreshToken: string | null;
  #held: HeldToken | null = null;
  #refreshing: Promise<string> | null = null;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    this.#refreshToken = options.refreshToken;
  }

  /** Whether a run can get tokens without the user (it still may fail if Entra revoked the grant). */
  get canRefresh(): boolean {
    return this.#refreshToken !== null;
  }

  /** Takes the tokens of an interactive sign-in and persists its refresh token. */
  async accept(tokens: TokenSet): Promise<void> {
    this.#hold(tokens);
    if (tokens.refreshToken !== null) {
      this.#refreshToken = tokens.refreshToken;
      await this.#options.saveRefreshToken(tokens.refreshToken);
    }
  }

  accessToken(signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    if (held && this.#options.clock.now() < held.refreshAt) return Promise.resolve(held.value);
    return this.#refresh(signal);
  }

  renew(rejected: string, signal?: AbortSignal): Promise<string> {
    // Another request may have renewed it already; then the new token is the answer.
    if (this.#held?.value === rejected) this.#held = null;
    return this.accessToken(signal);
  }

  #hold(tokens: TokenSet): void {
    const now = this.#options.clock.now();
    const margin = Math.min(
      this.#options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
      Math.max(0, tokens.expiresAt - now) / 2,
    );
    this.#held = { value: tokens.accessToken, refreshAt: tokens.expiresAt - margin };
  }

  #refresh(signal?: AbortSignal): Promise<string> {
    if (!this.#refreshing) {
      // Not tied to one caller's signal: others may be waiting for the same refresh.
      this.#refreshing = this.#redeem().finally(() => {
        this.#refreshing = null;
      });
    }
    return withAbort(this.#refreshing, signal);
  }

  async #redeem(): Promise<string> {
    const refreshToken = this.#refreshToken;
    if (refreshToken === null) throw new SignInRequiredError();
    let tokens: TokenSet;
    try {
      tokens = await redeemRefreshToken(this.#options.entra, refreshToken, {
        fetch: this.#options.fetch,
        clock: this.#options.clock,
        timeoutMs: this.#options.tokenTimeoutMs,
      });
    } catch (error) {
      if (error instanceof SignInRequiredError && this.#refreshToken === refreshToken) {
        this.#refreshToken = null;
        this.#held = null;
      }
      throw error;
    }
    this.#hold(tokens);
    if (tokens.refreshToken !== null && tokens.refreshToken !== refreshToken) {
      this.#refreshToken = tokens.refreshToken;
      await this.#options.saveRefreshToken(tokens.refreshToken);
    }
    return tokens.accessToken;
  }
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
