import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { type Reply, send } from './https-client.ts';

const LOGIN = 'login.microsoftonline.com';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const REDIRECT_URI = 'https://abcdefghijklmnop.chromiumapp.org/';
const SCOPE = 'https://api.ci.ai.microsoft.com/.default offline_access openid';

let sandbox: CustomerInsightsSandbox;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({ tokenLifetimeSeconds: 60 });
});

beforeEach(() => {
  sandbox.control.requireInteraction(false);
  sandbox.control.setTokenLifetime(60);
});

afterAll(async () => {
  await sandbox.close();
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorize(params: Record<string, string>): Promise<Reply> {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state: 'state-123',
    code_challenge_method: 'S256',
    ...params,
  });
  return send(sandbox.port, LOGIN, `/common/oauth2/v2.0/authorize?${query}`);
}

function token(form: Record<string, string>): Promise<Reply> {
  return send(sandbox.port, LOGIN, '/common/oauth2/v2.0/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...form }).toString(),
  });
}

async function codeFor(challenge: string, params: Record<string, string> = {}): Promise<string> {
  const reply = await authorize({ code_challenge: challenge, ...params });
  expect(reply.status).toBe(302);
  return new URL(String(reply.headers.location)).searchParams.get('code') ?? '';
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  token_type: string;
}

function dataApi(accessToken: string): Promise<Reply> {
  return send(sandbox.port, 'api.ci.ai.dynamics.com', '/v1/instances', {
    headers: { authorization: `Bearer ${accessToken}`, 'ocp-apim-subscription-key': sandbox.subscriptionKey },
  });
}

describe('the Entra ID sandbox', () => {
  it('redirects at once with a code and the state, then exchanges the code and verifier for working tokens', async () => {
    const { verifier, challenge } = pkce();
    const reply = await authorize({ code_challenge: challenge });
    expect(reply.status).toBe(302);
    const location = new URL(String(reply.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    const code = location.searchParams.get('code') ?? '';

    const exchanged = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(exchanged.status).toBe(200);
    const tokens = exchanged.json<Tokens>();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(tokens.refresh_token).toBeTypeOf('string');
    expect(tokens.id_token).toBeTypeOf('string');
    expect((await dataApi(tokens.access_token)).status).toBe(200);
  });

  it('rejects a code verifier that does not match the challenge', async () => {
    const { challenge } = pkce();
    const code = await codeFor(challenge);
    const reply = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce().verifier,
    });
    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts an authorization code only once', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    expect((await token(form)).status).toBe(200);
    const again = await token(form);
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a code redeemed with another redirect URI', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const reply = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://elsewhere.example/',
      code_verifier: verifier,
    });
    expect(reply.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an authorize request without an S256 code challenge', async () => {
    const plain = await authorize({ code_challenge: 'abc', code_challenge_method: 'plain' });
    expect(new URL(String(plain.headers.location)).searchParams.get('error')).toBe('invalid_request');
    const none = await authorize({});
    expect(new URL(String(none.headers.location)).searchParams.get('error')).toBe('invalid_request');
  });

  it('issues a token for one resource per request: a Dataverse organisation’s, or refuses two', async () => {
    const { challenge } = pkce();
    const two = await authorize({
      code_challenge: challenge,
      scope: 'https://api.ci.ai.microsoft.com/.default https://contoso.crm4.dynamics.com/user_impersonation',
    });
    expect(new URL(String(two.headers.location)).searchParams.get('error')).toBe('invalid_scope');

    const { verifier, challenge: other } = pkce();
    const code = await codeFor(other, {
      scope: 'https://contoso.crm4.dynamics.com/user_impersonation offline_access',
    });
    const tokens = (
      await token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
    ).json<Tokens>();
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.aud).toBe('https://contoso.crm4.dynamics.com');
    expect((await dataApi(tokens.access_token)).status).toBe(401);
  });

  it('issues no refresh token when the scope lacks offline_access, as Entra does', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge, { scope: 'https://api.ci.ai.microsoft.com/.default' });
    const reply = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(reply.json<Tokens>().refresh_token).toBeUndefined();
  });

  it('renews the access token with the refresh token until refresh tokens are revoked', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const first = (
      await token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
    ).json<Tokens>();
    const renewed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' });
    expect(renewed.status).toBe(200);
    const second = renewed.json<Tokens>();
    expect(second.access_token).not.toBe(first.access_token);
    expect((await dataApi(second.access_token)).status).toBe(200);

    sandbox.control.revokeRefreshTokens();
    for (const refreshToken of [first.refresh_token, second.refresh_token]) {
      const refused = await token({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '' });
      expect(refused.status).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('answers interaction_required to a silent request when interaction is required', async () => {
    sandbox.control.requireInteraction(true);
    const { challenge } = pkce();
    const silent = await authorize({ code_challenge: challenge, prompt: 'none' });
    const location = new URL(String(silent.headers.location));
    expect(location.searchParams.get('error')).toBe('interaction_required');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
    const interactive = await authorize({ code_challenge: challenge });
    expect(new URL(String(interactive.headers.location)).searchParams.has('code')).toBe(true);
    expect(
      sandbox.inspect.authorizeRequests().some((request) => request.error === 'interaction_required'),
    ).toBe(true);
  });

  it('issues access tokens that the Data API refuses with 401 once they expire', async () => {
    sandbox.control.setTokenLifetime(0.2);
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const tokens = (
      await token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
    ).json<Tokens>();
    expect((await dataApi(tokens.access_token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const expired = await dataApi(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect(expired.json()).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
  });

  it('puts the code in the fragment when asked for response_mode=fragment', async () => {
    const { challenge } = pkce();
    const reply = await authorize({ code_challenge: challenge, response_mode: 'fragment' });
    const location = new URL(String(reply.headers.location));
    expect(new URLSearchParams(location.hash.slice(1)).has('code')).toBe(true);
  });

  it('shows an error page instead of redirecting when the redirect URI is missing', async () => {
    const reply = await send(sandbox.port, LOGIN, `/common/oauth2/v2.0/authorize?client_id=${CLIENT_ID}`);
    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
  });
});
