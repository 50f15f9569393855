import { type Clock, systemClock } from '../../../src/core/clock.ts';
import {
  type CustomerInsightsMemberPage,
  CustomerInsightsSource,
} from '../../../src/sources/customer-insights/customer-insights-source.ts';
import { DataverseClient } from '../../../src/sources/customer-insights/dataverse-client.ts';
import { DataverseSource } from '../../../src/sources/customer-insights/dataverse-source.ts';
import {
  dataverseScope,
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

/** The same app registration, signing in to a Dataverse organisation instead of the Data API. */
export function dataverseEntra(orgUrl: string): EntraConfig {
  return { ...ENTRA, scope: dataverseScope(orgUrl) };
}

export async function signedInTokens(
  fetch: typeof globalThis.fetch,
  clock: Clock,
  entra: EntraConfig = ENTRA,
): Promise<SignedIn> {
  const saved: string[] = [];
  const tokens = new TokenProvider({
    entra,
    fetch,
    clock,
    refreshToken: null,
    saveRefreshToken: async (token) => {
      saved.push(token);
    },
  });
  await tokens.accept(await interactiveSignIn(fetch, clock, entra));
  return { tokens, saved };
}

export function interactiveSignIn(
  fetch: typeof globalThis.fetch,
  clock: Clock,
  entra: EntraConfig = ENTRA,
): Promise<TokenSet> {
  return signIn(entra, { fetch, clock, launch: (url) => launchWithoutBrowser(fetch, url) });
}

/** A Dataverse source of the sandbox organisation, knowing no segments unless told. */
export function dataverseSourceFor(
  orgUrl: string,
  fetch: typeof globalThis.fetch,
  clock: Clock,
  tokens: TokenProvider,
  pageSize?: number,
): DataverseSource {
  const client = new DataverseClient({ orgUrl, tokens, fetch, clock });
  return new DataverseSource({ client, knownSegments: async () => [], ...(pageSize ? { pageSize } : {}) });
}

export function sourceFor(
  sandbox: CustomerInsightsSandbox,
  fetch: typeof globalThis.fetch,
  clock: Clock,
  tokens: TokenProvider,
  pageSize: number,
  /** 1 (the default here): each read is one page, so a test sees the pages as the server cut them. */
  rowsPerRead = 1,
): CustomerInsightsSource {
  return new CustomerInsightsSource({
    instanceId: sandbox.environmentId,
    subscriptionKey: sandbox.subscriptionKey,
    tokens,
    fetch,
    clock,
    pageSize,
    rowsPerRead,
  });
}

/** Reads a segment to its end the way the engine does: page after page from the returned cursor. */
export async function readAll<P extends CustomerInsightsMemberPage>(
  source: { readMembers(segment: string, cursor: string | null, options: { fields?: string[] }): Promise<P> },
  segment: string,
  fields?: string[],
  between?: (pages: P[]) => void | Promise<void>,
): Promise<P[]> {
  const pages: P[] = [];
  let cursor: string | null = null;
  do {
    const page: P = await source.readMembers(segment, cursor, fields ? { fields } : {});
    pages.push(page);
    cursor = page.next;
    await between?.(pages);
  } while (cursor !== null);
  return pages;
}
