import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { type HttpAnswer, sendHttp, TransportError } from '../../core/http.ts';
import { SignInCancelledError, SignInError, SignInRequiredError } from './errors.ts';
import { createPkce, createState, cryptoRandomBytes, type RandomBytes } from './pkce.ts';

/**
 * Microsoft Entra ID sign-in for the Data API or a Dataverse organisation: OAuth 2.0 authorization code with PKCE, v2.0
 * endpoints (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow).
 * Pure parts only: the worker opens the authorize URL with `identity.launchWebAuthFlow` and passes
 * the URL it returns to `parseRedirect` (or hands `launch` to `signIn`).
 */

export const AUTHORITY = 'https://login.microsoftonline.com';
/** The Data API's resource with the delegated `user_impersonation` permission (customer-insights.md §2). */
export const CUSTOMER_INSIGHTS_SCOPE = 'https://api.ci.ai.microsoft.com/.default';

/**
 * A Dataverse organisation's delegated permission: the token's audience is the organisation URL,
 * one resource per token request (customer-insights.md §2b).
 */
export function dataverseScope(orgUrl: string): string {
  return `${new URL(orgUrl).origin}/user_impersonation`;
}

/** `offline_access` is what makes Entra issue a refresh token, so runs need no browser window. */
function signInScope(config: EntraConfig): string {
  return `${config.scope ?? CUSTOMER_INSIGHTS_SCOPE} offline_access`;
}

export interface EntraConfig {
  /** Tenant GUID or domain, or `organizations` / `common`. */
  tenant: string;
  /** The app registration's application (client) id. */
  clientId: string;
  /** `identity.getRedirectURL()`; must be registered on the app as a SPA/public-client redirect. */
  redirectUri: string;
  /** The resource's scope: the Data API's (the default) or `dataverseScope(orgUrl)`. */
  scope?: string;
}

export type Prompt = 'login' | 'select_account' | 'consent' | 'none';

export interface TokenSet {
  accessToken: string;
  /** Epoch ms after which the access token is no longer accepted. */
  expiresAt: number;
  /** Null when Entra did not issue one (it does only for `offline_access`). */
  refreshToken: string | null;
}

export interface TokenRequestDeps {
  fetch: typeof fetch;
  clock: Clock;
  signal?: AbortSignal | undefined;
  /** How long the token endpoint may take to answer (default `TOKEN_TIMEOUT_MS`). */
  timeoutMs?: number | undefined;
}

/**
 * How long a token request may take, body included. Entra publishes no figure, so this one is ours
 * (a guess): long enough for a slow network, short enough that a run held up by a stalled refresh
 * gets an error it retries instead of waiting for ever.
 */
export const TOKEN_TIMEOUT_MS = 30_000;

function endpoint(config: EntraConfig, name: 'authorize' | 'token'): string {
  return `${AUTHORITY}/${encodeURIComponent(config.tenant)}/oauth2/v2.0/${name}`;
}

export interface AuthorizeUrlOptions {
  challenge: string;
  state: string;
  prompt?: Prompt | undefined;
  loginHint?: string | undefined;
}

export function authorizeUrl(config: EntraConfig, options: AuthorizeUrlOptions): string {
  const url = new URL(endpoint(config, 'authorize'));
  const params = url.searchParams;
  params.set('client_id', config.clientId);
  params.set('response_type', 'code');
  params.set('redirect_uri', config.redirectUri);
  params.set('response_mode', 'query');
  params.set('scope', signInScope(config));
  params.set('state', options.state);
  params.set('code_challenge', options.challenge);
  params.set('code_challenge_method', 'S256');
  if (options.prompt) params.set('prompt', options.prompt);
  if (options.loginHint) params.set('login_hint', options.loginHint);
  return url.toString();
}

/** What the worker keeps in memory between opening the sign-in window and its redirect. */
export interface AuthorizeRequest {
  url: string;
  state: string;
  verifier: string;
}

export async function createAuthorizeRequest(
  config: EntraConfig,
  options: { prompt?: Prompt; loginHint?: string; randomBytes?: RandomBytes } = {},
): Promise<AuthorizeRequest> {
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  const { verifier, challenge } = await createPkce(randomBytes);
  const state = createState(randomBytes);
  return {
    url: authorizeUrl(config, { challenge, state, prompt: options.prompt, loginHint: options.loginHint }),
    state,
    verifier,
  };
}

// Entra asks for the user to be present: a silent (`prompt=none`) attempt or a refresh cannot succeed.
const NEEDS_USER = new Set(['invalid_grant', 'interaction_required', 'login_required', 'consent_required']);

function errorFromEntra(error: string, description: string | undefined, retryable = false): SignInError {
  const init = { entraError: error, detail: description };
  if (error === 'access_denied') return new SignInCancelledError(init);
  if (NEEDS_USER.has(error)) return new SignInRequiredError(init);
  const transient = retryable || error === 'temporarily_unavailable' || error === 'server_error';
  return new SignInError('sign-in.failed', `Microsoft sign-in failed (${error}).`, transient, init);
}

/**
 * Reads the authorization code from the URL `launchWebAuthFlow` resolved with. The state must be
 * the one we sent, or the redirect answers someone else's request and is refused.
 */
export function parseRedirect(redirectUrl: string, expectedState: string): string {
  if (!URL.canParse(redirectUrl)) {
    throw new SignInError(
      'sign-in.unexpected-response',
      'Microsoft sign-in returned no usable address.',
      false,
    );
  }
  const url = new URL(redirectUrl);
  // `response_mode=query` is what we ask for; a fragment answer is read too, in case it was changed.
  const params = url.searchParams.has('state') ? url.searchParams : new URLSearchParams(url.hash.slice(1));
  if (params.get('state') !== expectedState) {
    throw new SignInError(
      'sign-in.state-mismatch',
      'The Microsoft sign-in answer did not belong to this sign-in – try again.',
      false,
    );
  }
  const error = params.get('error');
  if (error) throw errorFromEntra(error, params.get('error_description') ?? undefined);
  const code = params.get('code');
  if (!code) {
    throw new SignInError(
      'sign-in.unexpected-response',
      'Microsoft sign-in returned no authorization code.',
      false,
    );
  }
  return code;
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
  refresh_token: z.string().min(1).optional(),
});

const tokenErrorSchema = z.looseObject({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

async function requestTokens(
  config: EntraConfig,
  form: Record<string, string>,
  deps: TokenRequestDeps,
): Promise<TokenSet> {
  const startedAt = deps.clock.now();
  const timeoutMs = deps.timeoutMs ?? TOKEN_TIMEOUT_MS;
  let answer: HttpAnswer;
  try {
    answer = await sendHttp(deps.fetch, {
      url: endpoint(config, 'token'),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: config.clientId,
        scope: signInScope(config),
        ...form,
      }).toString(),
      signal: deps.signal,
      timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    // A stalled token endpoint would otherwise hold every request waiting for the refresh.
    const message =
      error.kind === 'timeout'
        ? `Microsoft sign-in did not answer within ${Math.round(timeoutMs / 1000)} s.`
        : 'Could not reach Microsoft sign-in – check the connection.';
    throw new SignInError('sign-in.network-error', message, true, { cause: error.cause });
  }
  const body = answer.body;
  if (!answer.ok) {
    const failure = tokenErrorSchema.safeParse(body);
    if (failure.success) {
      throw errorFromEntra(failure.data.error, failure.data.error_description, answer.status >= 500);
    }
    throw new SignInError(
      'sign-in.unexpected-response',
      `Microsoft sign-in answered HTTP ${answer.status}.`,
      answer.status >= 500,
    );
  }
  const tokens = tokenResponseSchema.safeParse(body);
  if (!tokens.success) {
    throw new SignInError(
      'sign-in.unexpected-response',
      'Microsoft sign-in answered with no usable token.',
      false,
    );
  }
  return {
    accessToken: tokens.data.access_token,
    // Measured from before the request, so the token is never thought to live longer than it does.
    expiresAt: startedAt + tokens.data.expires_in * 1000,
    refreshToken: tokens.data.refresh_token ?? null,
  };
}

/** Redeems an authorization code (single use) with the PKCE verifier of the same sign-in. */
export function redeemCode(
  config: EntraConfig,
  grant: { code: string; verifier: string },
  deps: TokenRequestDeps,
): Promise<TokenSet> {
  return requestTokens(
    config,
    {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: config.redirectUri,
      code_verifier: grant.verifier,
    },
    deps,
  );
}

/** A new access token (and usually a rotated refresh token); `invalid_grant` → `SignInRequiredError`. */
export function redeemRefreshToken(
  config: EntraConfig,
  refreshToken: string,
  deps: TokenRequestDeps,
): Promise<TokenSet> {
  return requestTokens(config, { grant_type: 'refresh_token', refresh_token: refreshToken }, deps);
}

/**
 * The whole interactive sign-in. `launch` opens the URL and resolves with the redirect URL – in the
 * worker `(url) => browser.identity.launchWebAuthFlow({ url, interactive: true })`; it should turn
 * a closed window into `SignInCancelledError`.
 */
export async function signIn(
  config: EntraConfig,
  deps: TokenRequestDeps & {
    launch: (url: string) => Promise<string>;
    prompt?: Prompt;
    loginHint?: string;
    randomBytes?: RandomBytes;
  },
): Promise<TokenSet> {
  const request = await createAuthorizeRequest(config, {
    ...(deps.prompt ? { prompt: deps.prompt } : {}),
    ...(deps.loginHint ? { loginHint: deps.loginHint } : {}),
    ...(deps.randomBytes ? { randomBytes: deps.randomBytes } : {}),
  });
  const code = parseRedirect(await deps.launch(request.url), request.state);
  return redeemCode(config, { code, verifier: request.verifier }, deps);
}
