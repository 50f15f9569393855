import { describe, expect, it } from 'vitest';
import { SignInRequiredError } from '../../../../src/sources/customer-insights/errors.ts';
import { TokenProvider } from '../../../../src/sources/customer-insights/token-provider.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { fakeFetch, json } from '../../../support/fake-fetch.ts';

const entra = { tenant: 'organizations', clientId: 'client-1', redirectUri: 'https://x.chromiumapp.org/' };

/** A token endpoint that issues `at-N`/`rt-N` for the refresh token it last issued, one hour long. */
function entraServer(options: { rotate?: boolean } = {}) {
  let issued = 0;
  let live = 'rt-0';
  const server = fakeFetch((request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('refresh_token') !== live) return json(400, { error: 'invalid_grant' });
    issued++;
    if (options.rotate ?? true) live = `rt-${issued}`;
    return json(200, {
      access_token: `at-${issued}`,
      expires_in: 3600,
      ...(options.rotate === false ? {} : { refresh_token: live }),
    });
  });
  return {
    ...server,
    revoke: () => {
      live = 'revoked';
    },
  };
}

function provider(clock: FakeClock, fetch: typeof globalThis.fetch, refreshToken: string | null = 'rt-0') {
  const saved: string[] = [];
  const tokens = new TokenProvider({
    entra,
    fetch,
    clock,
    refreshToken,
    saveRefreshToken: async (token) => {
      saved.push(token);
    },
  });
  return { tokens, saved };
}

describe('TokenProvider', () => {
  it('refreshes once and serves the held token until shortly before it expires', async () => {
    const clock = new FakeClock();
    const server = entraServer();
    const { tokens, saved } = provider(clock, server.fetch);
    expect(await tokens.accessToken()).toBe('at-1');
    await clock.advance(54 * 60_000);
    expect(await tokens.accessToken()).toBe('at-1');
    await clock.advance(2 * 60_000);
    expect(await tokens.accessToken()).toBe('at-2');
    expect(server.requests).toHaveLength(2);
    expect(saved).toEqual(['rt-1', 'rt-2']);
  });

  it('shares one refresh between concurrent callers', async () => {
    const server = entraServer();
    const { tokens } = provider(new FakeClock(), server.fetch);
    const values = await Promise.all([tokens.accessToken(), tokens.accessToken(), tokens.accessToken()]);
    expect(values).toEqual(['at-1', 'at-1', 'at-1']);
    expect(server.requests).toHaveLength(1);
  });

  it('renews a rejected token, but not one that was already replaced', async () => {
    const server = entraServer();
    const { tokens } = provider(new FakeClock(), server.fetch);
    const first = await tokens.accessToken();
    expect(await tokens.renew(first)).toBe('at-2');
    expect(await tokens.renew(first)).toBe('at-2');
    expect(server.requests).toHaveLength(2);
  });

  it('keeps the refresh token it has when Entra does not rotate it', async () => {
    const clock = new FakeClock();
    const server = entraServer({ rotate: false });
    const { tokens, saved } = provider(clock, server.fetch);
    await tokens.accessToken();
    await tokens.renew('at-1');
    expect(saved).toEqual([]);
    expect(server.requests.map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual([
      'rt-0',
      'rt-0',
    ]);
  });

  it('asks for a new sign-in when the refresh token is revoked, then stops asking Entra', async () => {
    const server = entraServer();
    const { tokens } = provider(new FakeClock(), server.fetch);
    server.revoke();
    await expect(tokens.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    await expect(tokens.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(server.requests).toHaveLength(1);
    expect(tokens.canRefresh).toBe(false);
  });

  it('asks for a sign-in when it never had one', async () => {
    const server = entraServer();
    const { tokens } = provider(new FakeClock(), server.fetch, null);
    await expect(tokens.accessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(server.requests).toHaveLength(0);
  });

  it('takes a new interactive sign-in and persists its refresh token', async () => {
    const clock = new FakeClock();
    const server = entraServer();
    const { tokens, saved } = provider(clock, server.fetch, null);
    await tokens.accept({
      accessToken: 'at-signed-in',
      expiresAt: clock.now() + 3_600_000,
      refreshToken: 'rt-0',
    });
    expect(await tokens.accessToken()).toBe('at-signed-in');
    expect(saved).toEqual(['rt-0']);
    expect(await tokens.renew('at-signed-in')).toBe('at-1');
  });

  it('refreshes short-lived tokens at half their life', async () => {
    const clock = new FakeClock();
    const server = entraServer();
    const { tokens } = provider(clock, server.fetch, null);
    await tokens.accept({ accessToken: 'short', expiresAt: clock.now() + 10_000, refreshToken: 'rt-0' });
    await clock.advance(4_999);
    expect(await tokens.accessToken()).toBe('short');
    await clock.advance(1);
    expect(await tokens.accessToken()).toBe('at-1');
  });
});
