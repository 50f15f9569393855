import { describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  createAuthorizeRequest,
  dataverseScope,
  type EntraConfig,
  parseRedirect,
  redeemCode,
  redeemRefreshToken,
  signIn,
} from '../../../../src/sources/customer-insights/entra-sign-in.ts';
import {
  SignInCancelledError,
  SignInError,
  SignInRequiredError,
} from '../../../../src/sources/customer-insights/errors.ts';
import { codeChallengeS256 } from '../../../../src/sources/customer-insights/pkce.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { fakeFetch, json } from '../../../support/fake-fetch.ts';

const config: EntraConfig = {
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  redirectUri: 'https://abcdefghijklmnop.chromiumapp.org/',
};
const REDIRECT = config.redirectUri;

async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the authorize URL', () => {
  it('asks Entra ID v2.0 of the tenant for a code with PKCE S256 and the Data API scope', () => {
    const url = new URL(authorizeUrl(config, { challenge: 'challenge-1', state: 'state-1' }));
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      response_mode: 'query',
      scope: 'https://api.ci.ai.microsoft.com/.default offline_access',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
  });

  it('asks for one Dataverse organisation as the resource when the environment reads through Dataverse', async () => {
    const dataverse = {
      ...config,
      scope: dataverseScope('https://contoso.crm4.dynamics.com/main.aspx?appid=1'),
    };
    const url = new URL(authorizeUrl(dataverse, { challenge: 'c', state: 's' }));
    expect(url.searchParams.get('scope')).toBe(
      'https://contoso.crm4.dynamics.com/user_impersonation offline_access',
    );
    const server = fakeFetch(() => json(200, { access_token: 'at', expires_in: 60 }));
    await redeemRefreshToken(dataverse, 'rt', { fetch: server.fetch, clock: new FakeClock() });
    expect(new URLSearchParams(server.requests[0]?.body).get('scope')).toBe(
      'https://contoso.crm4.dynamics.com/user_impersonation offline_access',
    );
  });

  it('adds prompt and login hint only when asked', () => {
    const url = new URL(
      authorizeUrl(config, {
        challenge: 'c',
        state: 's',
        prompt: 'select_account',
        loginHint: 'a@contoso.com',
      }),
    );
    expect(url.searchParams.get('prompt')).toBe('select_account');
    expect(url.searchParams.get('login_hint')).toBe('a@contoso.com');
  });

  it('carries a challenge that is the S256 of the request verifier and a fresh state', async () => {
    const request = await createAuthorizeRequest(config);
    const url = new URL(request.url);
    expect(url.searchParams.get('code_challenge')).toBe(await codeChallengeS256(request.verifier));
    expect(url.searchParams.get('state')).toBe(request.state);
    expect((await createAuthorizeRequest(config)).state).not.toBe(request.state);
  });
});

describe('the redirect', () => {
  it('gives the authorization code when the state is ours', () => {
    expect(parseRedirect(`${REDIRECT}?code=abc&state=s1&session_state=x`, 's1')).toBe('abc');
  });

  it('reads a fragment answer too', () => {
    expect(parseRedirect(`${REDIRECT}#code=abc&state=s1`, 's1')).toBe('abc');
  });

  it('refuses an answer whose state is not ours, even with a code', async () => {
    const error = await thrown(() => parseRedirect(`${REDIRECT}?code=abc&state=other`, 's1'));
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).code).toBe('sign-in.state-mismatch');
    expect((error as Error).message).not.toContain('abc');
  });

  it('refuses an answer without a state', async () => {
    const error = await thrown(() => parseRedirect(`${REDIRECT}?code=abc`, 's1'));
    expect((error as SignInError).code).toBe('sign-in.state-mismatch');
  });

  it('turns access_denied into a cancelled sign-in with the description kept for support', async () => {
    const error = await thrown(() =>
      parseRedirect(
        `${REDIRECT}?error=access_denied&error_description=AADSTS65004%3A+User+declined&state=s1`,
        's1',
      ),
    );
    expect(error).toBeInstanceOf(SignInCancelledError);
    expect(error).toMatchObject({ code: 'sign-in.cancelled', entraError: 'access_denied' });
    expect((error as SignInError).detail).toBe('AADSTS65004: User declined');
  });

  it.each(['interaction_required', 'login_required', 'consent_required'])(
    'turns %s into sign-in required',
    async (entraError) => {
      const error = await thrown(() => parseRedirect(`${REDIRECT}?error=${entraError}&state=s1`, 's1'));
      expect(error).toBeInstanceOf(SignInRequiredError);
    },
  );

  it('turns other errors into a failed sign-in naming the Entra error', async () => {
    const error = await thrown(() => parseRedirect(`${REDIRECT}?error=invalid_request&state=s1`, 's1'));
    expect(error).toMatchObject({ code: 'sign-in.failed', retryable: false });
    expect((error as Error).message).toContain('invalid_request');
  });

  it('refuses an answer with neither code nor error', async () => {
    const error = await thrown(() => parseRedirect(`${REDIRECT}?state=s1`, 's1'));
    expect((error as SignInError).code).toBe('sign-in.unexpected-response');
  });
});

describe('the token endpoint', () => {
  const clock = new FakeClock(1_000_000);

  it('redeems a code with its verifier and reads when the token expires', async () => {
    const server = fakeFetch(() =>
      json(200, { token_type: 'Bearer', access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3599 }),
    );
    const tokens = await redeemCode(
      config,
      { code: 'code-1', verifier: 'v-1' },
      { fetch: server.fetch, clock },
    );
    expect(tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1_000_000 + 3_599_000 });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.toString()).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    );
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      client_id: config.clientId,
      scope: 'https://api.ci.ai.microsoft.com/.default offline_access',
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: REDIRECT,
      code_verifier: 'v-1',
    });
  });

  it('refreshes with the refresh_token grant and tolerates a missing new refresh token', async () => {
    const server = fakeFetch(() => json(200, { access_token: 'at-2', expires_in: '60' }));
    const tokens = await redeemRefreshToken(config, 'rt-1', { fetch: server.fetch, clock });
    expect(tokens).toEqual({ accessToken: 'at-2', refreshToken: null, expiresAt: 1_060_000 });
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('rt-1');
  });

  it('turns invalid_grant into sign-in required, without the token in the message', async () => {
    const server = fakeFetch(() =>
      json(400, {
        error: 'invalid_grant',
        error_description: 'AADSTS700082: The refresh token has expired.',
      }),
    );
    const error = await thrown(() => redeemRefreshToken(config, 'rt-secret', { fetch: server.fetch, clock }));
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect((error as Error).message).toMatch(/sign in again/);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
      'rt-secret',
    );
  });

  it('calls an Entra outage retryable', async () => {
    const server = fakeFetch(() => json(503, { error: 'temporarily_unavailable' }));
    const error = await thrown(() => redeemRefreshToken(config, 'rt', { fetch: server.fetch, clock }));
    expect(error).toMatchObject({ code: 'sign-in.failed', retryable: true });
  });

  it('calls an unreachable Entra a retryable network error', async () => {
    const fetch = (() => Promise.reject(new TypeError('fetch failed'))) as typeof globalThis.fetch;
    const error = await thrown(() => redeemRefreshToken(config, 'rt', { fetch, clock }));
    expect(error).toMatchObject({ code: 'sign-in.network-error', retryable: true });
  });

  it('refuses an answer without an access token', async () => {
    const server = fakeFetch(() => json(200, { token_type: 'Bearer' }));
    const error = await thrown(() => redeemRefreshToken(config, 'rt', { fetch: server.fetch, clock }));
    expect(error).toMatchObject({ code: 'sign-in.unexpected-response' });
  });
});

describe('the whole sign-in', () => {
  it('launches the authorize URL, checks the state and redeems the code with the matching verifier', async () => {
    let launched = '';
    const server = fakeFetch(() => json(200, { access_token: 'at', refresh_token: 'rt', expires_in: 3600 }));
    const tokens = await signIn(config, {
      fetch: server.fetch,
      clock: new FakeClock(),
      prompt: 'select_account',
      launch: async (url) => {
        launched = url;
        const state = new URL(url).searchParams.get('state');
        return `${REDIRECT}?code=the-code&state=${state}`;
      },
    });
    expect(tokens.refreshToken).toBe('rt');
    expect(new URL(launched).searchParams.get('prompt')).toBe('select_account');
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('code')).toBe('the-code');
    expect(await codeChallengeS256(form.get('code_verifier') ?? '')).toBe(
      new URL(launched).searchParams.get('code_challenge'),
    );
  });
});
