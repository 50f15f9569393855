import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerInsightsSource } from '../../../src/sources/customer-insights/customer-insights-source.ts';
import { DataApiClient } from '../../../src/sources/customer-insights/data-api-client.ts';
import {
  createAuthorizeRequest,
  parseRedirect,
  redeemCode,
} from '../../../src/sources/customer-insights/entra-sign-in.ts';
import {
  CustomerInsightsError,
  SignInError,
  SignInRequiredError,
} from '../../../src/sources/customer-insights/errors.ts';
import { TokenProvider } from '../../../src/sources/customer-insights/token-provider.ts';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { profileAt } from '../../sandbox/customer-insights/profiles.ts';
import { type SandboxFetch, sandboxFetch } from '../../support/sandbox-fetch.ts';
import {
  ENTRA,
  interactiveSignIn,
  launchWithoutBrowser,
  readAll,
  recordingClock,
  signedInTokens,
  sourceFor,
} from './harness.ts';

const SEGMENT = 'Loyal';

let sandbox: CustomerInsightsSandbox;
let net: SandboxFetch;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox({
    tokenLifetimeSeconds: 3600,
    maxPageSize: 100,
    environments: [
      {
        id: '5d7c1e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f',
        displayName: 'Sign-in test',
        segments: [{ name: SEGMENT, displayName: 'Loyal customers', size: 1_000, offset: 500 }],
      },
    ],
  });
  net = sandboxFetch(sandbox.port);
});

afterAll(async () => {
  net.close();
  await sandbox.close();
});

describe('Entra ID sign-in against the sandbox', () => {
  it('signs in with PKCE without a browser and reaches the Data API with the token', async () => {
    const clock = recordingClock();
    const request = await createAuthorizeRequest(ENTRA);
    const code = parseRedirect(await launchWithoutBrowser(net.fetch, request.url), request.state);
    const tokens = await redeemCode(ENTRA, { code, verifier: request.verifier }, { fetch: net.fetch, clock });
    expect(tokens.refreshToken).not.toBeNull();
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);

    const api = new DataApiClient({
      subscriptionKey: sandbox.subscriptionKey,
      tokens: { accessToken: async () => tokens.accessToken, renew: async () => tokens.accessToken },
      fetch: net.fetch,
      clock,
    });
    expect(await api.listInstances()).toEqual([{ instanceId: sandbox.environmentId, name: 'Sign-in test' }]);
    expect(sandbox.inspect.authorizeRequests().at(-1)).toMatchObject({
      clientId: ENTRA.clientId,
      scope: 'https://api.ci.ai.microsoft.com/.default offline_access',
      error: null,
    });
  });

  it('refuses to redeem a code with another sign-in’s verifier', async () => {
    const clock = recordingClock();
    const first = await createAuthorizeRequest(ENTRA);
    const other = await createAuthorizeRequest(ENTRA);
    const code = parseRedirect(await launchWithoutBrowser(net.fetch, first.url), first.state);
    await expect(
      redeemCode(ENTRA, { code, verifier: other.verifier }, { fetch: net.fetch, clock }),
    ).rejects.toBeInstanceOf(SignInRequiredError);
  });

  it('refreshes a token that expires mid-read transparently and persists the rotated refresh token', async () => {
    const clock = recordingClock();
    const { tokens, saved } = await signedInTokens(net.fetch, clock);
    const source = sourceFor(sandbox, net.fetch, clock, tokens, 100);
    const issuedBefore = sandbox.inspect.tokensIssued();
    sandbox.inspect.clear();
    const pages = await readAll(source, SEGMENT, ['EmailAddress'], (read) => {
      if (read.length === 3 || read.length === 7) sandbox.control.expireAccessTokens();
    });
    const keys = pages.flatMap((page) => page.rows.map((row) => row.key));
    const segment = sandbox.segments[0]!;
    expect(keys).toEqual(Array.from({ length: 1_000 }, (_, i) => profileAt(segment, i).CustomerId));
    expect(sandbox.inspect.tokensIssued() - issuedBefore).toBe(2);
    const statuses = sandbox.inspect
      .requests()
      .filter((r) => r.host === 'api.ci.ai.dynamics.com')
      .map((r) => r.status);
    // Each expiry is met by the requests in flight (pages are read a few ahead): one refresh each.
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(2);
    expect(saved).toHaveLength(3);
    expect(new Set(saved).size).toBe(3);
  });

  it('refreshes ahead of expiry when tokens are short-lived', async () => {
    sandbox.control.setTokenLifetime(2);
    try {
      const clock = recordingClock();
      const { tokens } = await signedInTokens(net.fetch, clock);
      const first = await tokens.accessToken();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      sandbox.inspect.clear();
      const source = sourceFor(sandbox, net.fetch, clock, tokens, 100);
      await source.readMembers(SEGMENT, null);
      expect(await tokens.accessToken()).not.toBe(first);
      expect(sandbox.inspect.requests().filter((r) => r.status === 401)).toEqual([]);
    } finally {
      sandbox.control.setTokenLifetime(3600);
    }
  });

  it('asks to sign in again once the refresh token is revoked, and resumes after a new sign-in', async () => {
    const clock = recordingClock();
    const { tokens } = await signedInTokens(net.fetch, clock);
    const source = sourceFor(sandbox, net.fetch, clock, tokens, 100);
    const first = await source.readMembers(SEGMENT, null);
    sandbox.control.revokeRefreshTokens();
    sandbox.control.expireAccessTokens();
    const error = await source.readMembers(SEGMENT, first.next).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect((error as SignInRequiredError).message).toMatch(/sign in again/);

    await tokens.accept(await interactiveSignIn(net.fetch, clock));
    const second = await source.readMembers(SEGMENT, first.next);
    expect(second.rows[0]?.position).toBe(100);
    expect(second.rows[0]?.key).toBe(profileAt(sandbox.segments[0]!, 100).CustomerId);
  });

  it('blames a wrong subscription key without repeating it', async () => {
    const clock = recordingClock();
    const { tokens } = await signedInTokens(net.fetch, clock);
    const source = new CustomerInsightsSource({
      instanceId: sandbox.environmentId,
      subscriptionKey: 'not-the-key-1234',
      tokens,
      fetch: net.fetch,
      clock,
    });
    const error = await source.listSegments().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CustomerInsightsError);
    expect(error).toMatchObject({ code: 'customer-insights.invalid-subscription-key', retryable: false });
    expect((error as Error).message).not.toContain('not-the-key-1234');
  });

  it('gives up on a token endpoint that does not answer, and the next request refreshes again', async () => {
    const clock = recordingClock();
    const { saved } = await signedInTokens(net.fetch, clock);
    let stalled = true;
    // The token endpoint accepts the connection and never answers, until told otherwise.
    const fetch: typeof globalThis.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!stalled || !url.includes('/oauth2/v2.0/token')) return net.fetch(input, init);
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    };
    const tokens = new TokenProvider({
      entra: ENTRA,
      fetch,
      clock,
      refreshToken: saved.at(-1)!,
      saveRefreshToken: async (token) => {
        saved.push(token);
      },
      tokenTimeoutMs: 200,
    });
    const failure = await tokens.accessToken().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SignInError);
    expect(failure).toMatchObject({ code: 'sign-in.network-error', retryable: true });
    expect(String((failure as Error).message)).toContain('did not answer');

    stalled = false;
    expect(await tokens.accessToken()).toMatch(/\S/);
  }, 10_000);
});
