import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../support/read-body.ts';
import { sendJson, sendText } from './http-helpers.ts';

/** The audience of tokens the Data API accepts (scope `https://api.ci.ai.microsoft.com/.default`). */
export const CUSTOMER_INSIGHTS_AUDIENCE = 'https://api.ci.ai.microsoft.com';

const CODE_LIFETIME_MS = 10 * 60_000;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
}

interface Grant {
  clientId: string;
  scope: string;
}

export interface AccessTokenRecord extends Grant {
  audience: string;
  expiresAt: number;
}

export interface AuthorizeRecord {
  tenant: string;
  clientId: string | null;
  redirectUri: string | null;
  scope: string | null;
  prompt: string | null;
  /** The error the sandbox answered with, or null when it issued a code. */
  error: string | null;
}

export type AccessTokenCheck =
  | { ok: true; token: AccessTokenRecord }
  | { ok: false; reason: 'unknown' | 'expired' };

/**
 * Entra ID's v2.0 authorization-code flow with PKCE (S256 only), auto-consenting: authorize answers
 * at once with a 302 carrying the code, as if the user were signed in. Like Entra, a refresh token
 * is issued only when the scope asks for `offline_access`, and an authorization code works once.
 */
export class EntraId {
  tokenLifetimeSeconds: number;
  interactionRequired = false;
  readonly authorizeRequests: AuthorizeRecord[] = [];
  tokensIssued = 0;
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, Grant>();

  constructor(tokenLifetimeSeconds: number) {
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
  }

  checkAccessToken(token: string): AccessTokenCheck {
    const record = this.accessTokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (Date.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, token: record };
  }

  /**
   * Issues an access token without a browser, for tests of an API itself: for the Data API, or for
   * the resource (e.g. a Dataverse organisation URL) given.
   */
  issueAccessToken(resource = CUSTOMER_INSIGHTS_AUDIENCE, clientId = 'sandbox-client'): string {
    return this.issueTokens({ clientId, scope: `${resource}/.default` }).access_token;
  }

  expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expiresAt = 0;
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://login.microsoftonline.com');
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(url.pathname);
    if (match?.[2] === 'authorize' && req.method === 'GET') {
      this.authorize(decodeURIComponent(match[1] as string), url.searchParams, res);
      return;
    }
    if (match?.[2] === 'token' && req.method === 'POST') {
      this.token(new URLSearchParams(await readBody(req)), res);
      return;
    }
    sendText(res, 404, 'text/plain; charset=utf-8', 'Not found');
  }

  private authorize(tenant: string, query: URLSearchParams, res: ServerResponse): void {
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri');
    const state = query.get('state');
    const record: AuthorizeRecord = {
      tenant,
      clientId,
      redirectUri,
      scope: query.get('scope'),
      prompt: query.get('prompt'),
      error: null,
    };
    this.authorizeRequests.push(record);
    // Without a trustworthy redirect URI Entra shows an error page instead of redirecting.
    if (!clientId || !redirectUri || !URL.canParse(redirectUri)) {
      record.error = 'invalid_request';
      sendText(
        res,
        400,
        'text/html; charset=utf-8',
        '<h1>AADSTS900144: client_id and redirect_uri are required</h1>',
      );
      return;
    }
    const fail = (error: string, description: string): void => {
      record.error = error;
      redirect(res, redirectUri, query.get('response_mode'), {
        error,
        error_description: description,
        state,
      });
    };
    if (query.get('response_type') !== 'code') {
      fail('unsupported_response_type', 'AADSTS700054: response_type must be code.');
      return;
    }
    const codeChallenge = query.get('code_challenge');
    if (!codeChallenge || query.get('code_challenge_method') !== 'S256') {
      fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange (S256) is required.');
      return;
    }
    const scopes = (query.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.some((scope) => URL.canParse(scope)) && resourceOf(scopes) === null) {
      fail('invalid_scope', 'AADSTS28000: The scope names more than one resource; ask for one per request.');
      return;
    }
    if (this.interactionRequired && query.get('prompt') === 'none') {
      fail('interaction_required', 'AADSTS50058: The user must sign in interactively.');
      return;
    }
    const code = randomToken('code');
    this.codes.set(code, {
      clientId,
      redirectUri,
      codeChallenge,
      scope: query.get('scope') ?? '',
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    redirect(res, redirectUri, query.get('response_mode'), { code, state });
  }

  private token(form: URLSearchParams, res: ServerResponse): void {
    const invalidGrant = (description: string): void =>
      sendJson(res, 400, { error: 'invalid_grant', error_description: description, error_codes: [70000] });
    const clientId = form.get('client_id');
    if (!clientId) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'AADSTS900144: client_id is missing.',
      });
      return;
    }
    switch (form.get('grant_type')) {
      case 'authorization_code': {
        const code = form.get('code') ?? '';
        const pending = this.codes.get(code);
        this.codes.delete(code);
        if (!pending || Date.now() >= pending.expiresAt) {
          invalidGrant('AADSTS70008: The authorization code is invalid, expired or already redeemed.');
          return;
        }
        if (pending.clientId !== clientId || pending.redirectUri !== form.get('redirect_uri')) {
          invalidGrant('AADSTS50148: client_id or redirect_uri differ from the authorization request.');
          return;
        }
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
          invalidGrant('AADSTS501481: The code_verifier does not match the code_challenge.');
          return;
        }
        sendJson(res, 200, this.issueTokens({ clientId, scope: pending.scope }));
        return;
      }
      case 'refresh_token': {
        const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!grant || grant.clientId !== clientId) {
          invalidGrant('AADSTS700082: The refresh token has expired, been revoked or is unknown.');
          return;
        }
        sendJson(res, 200, this.issueTokens({ clientId, scope: form.get('scope') ?? grant.scope }));
        return;
      }
      default:
        sendJson(res, 400, {
          error: 'unsupported_grant_type',
          error_description: 'AADSTS70003: The grant type is not supported.',
        });
    }
  }

  private issueTokens(grant: Grant): TokenResponse {
    const scopes = grant.scope.split(/\s+/).filter(Boolean);
    const audience = resourceOf(scopes) ?? 'https://graph.microsoft.com';
    const now = Date.now();
    const expiresAt = now + this.tokenLifetimeSeconds * 1000;
    const accessToken = fakeJwt({
      aud: audience,
      scp: 'user_impersonation',
      appid: grant.clientId,
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomBytes(8).toString('hex'),
    });
    this.accessTokens.set(accessToken, { ...grant, audience, expiresAt });
    this.tokensIssued++;
    const expiresIn = Math.max(1, Math.ceil(this.tokenLifetimeSeconds));
    const response: TokenResponse = {
      token_type: 'Bearer',
      scope: scopes.filter((scope) => !['openid', 'profile', 'offline_access'].includes(scope)).join(' '),
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: accessToken,
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = randomToken('rt');
      this.refreshTokens.set(refreshToken, grant);
      response.refresh_token = refreshToken;
    }
    if (scopes.includes('openid')) {
      response.id_token = fakeJwt({
        aud: grant.clientId,
        name: 'Sandbox Marketer',
        preferred_username: 'marketer@contoso.example',
        tid: '00000000-0000-4000-8000-000000000001',
        oid: '00000000-0000-4000-8000-000000000002',
      });
    }
    return response;
  }
}

/**
 * The resource a token is for: the origin of the scopes that name one (`<resource>/.default`,
 * `<resource>/user_impersonation`); `openid`, `profile` and `offline_access` name none. Entra issues
 * a token for one resource per request (identity platform docs, "scopes and permissions").
 */
export function resourceOf(scopes: readonly string[]): string | null {
  const resources = new Set(
    scopes.filter((scope) => URL.canParse(scope)).map((scope) => new URL(scope).origin),
  );
  return resources.size === 1 ? ([...resources][0] as string) : null;
}

interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

function redirect(
  res: ServerResponse,
  redirectUri: string,
  responseMode: string | null,
  params: Record<string, string | null>,
): void {
  const target = new URL(redirectUri);
  const values = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null) values.set(key, value);
  if (responseMode === 'fragment') target.hash = values.toString();
  else for (const [key, value] of values) target.searchParams.set(key, value);
  res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' }).end();
}

function randomToken(prefix: string): string {
  return `${prefix}.${randomBytes(24).toString('base64url')}`;
}

// Shaped like a JWT so that clients can read `exp`, but unsigned: the sandbox checks tokens by lookup.
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
}
