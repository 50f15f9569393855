import { type Clock, systemClock } from '../../../src/core/clock.ts';
import {
  type CustomerInsightsMemberPage,
  CustomerInsightsSource,
} from '../../../src/sources/customer-insights/customer-insights-source.ts';
import {
  type EntraConfig,
  signIn,
  type TokenSet,
} from '../../../src/sources/customer-insights/entra-sign-in.ts';
import { TokenProvider } from '../../../src/sources/customer-insights/token-provider.ts';
import type { CustomerInsightsSandbox } from '../../sandbox/customer-insights/index.ts';

export const ENTRA: EntraConfig = {
  tenant: 'organizations',
  clientId: '11111111-2222-4333-8444-555555555555',
  redirectUri: 'https://abcdefghijklmnop.chromiumapp.org/',
};

/**
 * Real time (the sandbox expires tokens by `Date.now()`), but waits are recorded and cut to a
 * few milliseconds, so a test can check that `Retry-After` was obeyed without sleeping through it.
 */
export function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    now: () => Date.now(),
    sleep: (ms, signal) => {
      waits.push(ms);
      return systemClock.sleep(Math.min(ms, 5), signal);
    },
  };
}

/**
 * The sign-in the worker does with `identity.launchWebAuthFlow`, without a browser: the sandbox's
 * authorize endpoint consents at once, so its 302 Location is the redirect URL the browser would give.
 */
export async function launchWithoutBrowser(fetch: typeof globalThis.fetch, url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}`);
  return location;
}

export interface SignedIn {
  tokens: TokenProvider;
  /** Every refresh token the provider asked the worker to persist, in order. */
  saved: string[];
}

export async function signedInTokens(fetch: typeof globalThis.fetch, clock: Clock): Promise<SignedIn> {
  const saved: string[] = [];
  const tokens = new TokenProvider({
    entra: ENTRA,
    fetch,
    clock,
    refreshToken: null,
    saveRefreshToken: async (token) => {
      saved.push(token);
    },
  });
  await tokens.accept(await interactiveSignIn(fetch, clock));
  return { tokens, saved };
}

export function interactiveSignIn(fetch: typeof globalThis.fetch, clock: Clock): Promise<TokenSet> {
  return signIn(ENTRA, { fetch, clock, launch: (url) => launchWithoutBrowser(fetch, url) });
}

export function sourceFor(
  sandbox: CustomerInsightsSandbox,
  fetch: typeof globalThis.fetch,
  clock: Clock,
  tokens: TokenProvider,
  pageSize: number,
): CustomerInsightsSource {
  return new CustomerInsightsSource({
    instanceId: sandbox.environmentId,
    subscriptionKey: sandbox.subscriptionKey,
    tokens,
    fetch,
    clock,
    pageSize,
  });
}

/** Reads a segment to its end the way the engine does: page after page from the returned cursor. */
export async function readAll(
  source: CustomerInsightsSource,
  segment: string,
  fields?: string[],
  between?: (pages: CustomerInsightsMemberPage[]) => void | Promise<void>,
): Promise<CustomerInsightsMemberPage[]> {
  const pages: CustomerInsightsMemberPage[] = [];
  let cursor: string | null = null;
  do {
    const page: CustomerInsightsMemberPage = await source.readMembers(
      segment,
      cursor,
      fields ? { fields } : {},
    );
    pages.push(page);
    cursor = page.next;
    await between?.(pages);
  } while (cursor !== null);
  return pages;
}
