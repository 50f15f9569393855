import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { throwawayCertificate } from '../../support/tls.ts';
import { DataApi, type DataRead } from './data-api.ts';
import { Dataverse, type DataverseRead } from './dataverse.ts';
import { type AuthorizeRecord, EntraId } from './entra-id.ts';
import { requestHost, sendText } from './http-helpers.ts';
import {
  createEnvironmentStates,
  type EnvironmentDefinition,
  type EnvironmentState,
  findEnvironment,
  findSegment,
  type MutateDuringReadOptions,
  RefreshesDuringReads,
  type RefreshOptions,
  refreshSegment,
  type SegmentJobStatus,
  type SegmentState,
} from './sandbox-state.ts';
import { handleWebApp, type WebAppSettings } from './web-app.ts';

export type { DataverseRead } from './dataverse.ts';
export type {
  EnvironmentDefinition,
  EnvironmentState,
  SegmentDefinition,
  SegmentState,
} from './sandbox-state.ts';

export const CUSTOMER_INSIGHTS_HOSTS = {
  webApp: 'home.ci.ai.dynamics.com',
  dataApi: 'api.ci.ai.dynamics.com',
  login: 'login.microsoftonline.com',
} as const;

export interface CustomerInsightsSandboxOptions {
  /** Listening port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Defaults to two environments (see default-environments.ts); the first is `environmentId`. */
  environments?: EnvironmentDefinition[];
  /** Seed of the profile generator (profiles.ts). */
  seed?: number;
  /** Delay before the web app paints a route, to imitate a slow SPA. */
  renderDelayMs?: number;
  /** Lifetime of access tokens from the token endpoint (default 3600; fractions allowed in tests). */
  tokenLifetimeSeconds?: number;
  /** Most rows one `data/Customer` call returns, whatever `$top` asks (default 100). */
  maxPageSize?: number;
  /** Accepted `Ocp-Apim-Subscription-Key` values (default: `SANDBOX_SUBSCRIPTION_KEYS`). */
  subscriptionKeys?: string[];
  /** Authorize answers `error=interaction_required` when called with `prompt=none`. */
  requireInteraction?: boolean;
}

/** Primary and secondary key, as Settings > Permissions > APIs shows them. */
export const SANDBOX_SUBSCRIPTION_KEYS = ['ci-sandbox-primary-key-0001', 'ci-sandbox-secondary-key-0002'];

export interface CustomerInsightsControl {
  /** Changes the web app's paint delay for page loads and in-app navigations from now on. */
  setRenderDelay(ms: number): void;
  /** The next `count` Data API calls (after authentication) answer 429 with `Retry-After: seconds`. */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` Data API calls (after authentication) answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** The next `count` Dataverse calls (after authentication) hit a service protection limit: 429, `Retry-After`. */
  throttleDataverseNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` Dataverse calls (after authentication) answer `status` (default 503). */
  failDataverseNext(count: number, status?: number): void;
  /**
   * The segment's evaluation job is now in `status` (e.g. `Running`), as `manage/segments` reports
   * it, optionally with a new `evaluationDate` (the library does not say which date a running job shows).
   */
  setSegmentJob(
    name: string,
    status: SegmentJobStatus,
    options?: { evaluationDate?: Date; environmentId?: string },
  ): void;
  /**
   * Refreshes a segment now: generation + 1, membership slides by `churn` (lowest CustomerIds leave,
   * new ones join above the highest), optional new size, later `lastRefreshed`. Returns the live state.
   */
  refreshSegment(name: string, options?: RefreshOptions & { environmentId?: string }): SegmentState;
  /**
   * Arms a refresh (as `refreshSegment`) that lands once the server has served `afterRows` rows of the
   * segment from now on; the page crossing the threshold still comes from the old membership. A reader
   * paging by `$skip` then misses or repeats members; `@odata.count`/`lastRefreshed` reveal it.
   */
  mutateDuringRead(name: string, options: MutateDuringReadOptions): void;
  /** Issues an access token without the browser flow: for the Data API, or for `resource` (an org URL). */
  issueAccessToken(resource?: string): string;
  /** Every access token issued so far expires now. */
  expireAccessTokens(): void;
  /** Every refresh token issued so far stops working (`invalid_grant`). */
  revokeRefreshTokens(): void;
  requireInteraction(required: boolean): void;
  setTokenLifetime(seconds: number): void;
}

export interface RecordedRequest {
  host: string;
  method: string;
  /** Path with query, as received. */
  url: string;
  status: number;
}

export interface CustomerInsightsInspect {
  /** Every request answered so far, in order. */
  requests(): RecordedRequest[];
  /** Every `data/Customer` read answered with rows, in order. */
  dataReads(): DataRead[];
  /** Every Dataverse table read answered, in order. */
  dataverseReads(): DataverseRead[];
  /** Every authorize request, with the error answered (null when a code was issued). */
  authorizeRequests(): AuthorizeRecord[];
  /** How many access tokens the token endpoint (or `issueAccessToken`) issued. */
  tokensIssued(): number;
  /** Forgets recorded requests, reads and authorize requests. */
  clear(): void;
}

export interface CustomerInsightsSandbox {
  port: number;
  /** The web app's home as the browser sees it once the host names are mapped to this server. */
  url: string;
  /** The same server addressed directly (send the right Host header). */
  localUrl: string;
  /** Chromium's `--host-resolver-rules` value that sends every host name of this sandbox here. */
  hostResolverRules: string;
  /** Every host name this sandbox answers for: the three services and each environment's organisation. */
  hosts: string[];
  /** The Dataverse organisation URL of an environment (default: the first), e.g. `https://contoso.crm4.dynamics.com`. */
  orgUrl(environmentId?: string): string;
  environmentId: string;
  /** A valid `Ocp-Apim-Subscription-Key`. */
  subscriptionKey: string;
  environments: EnvironmentState[];
  /** Live segment states of the first environment (`environmentId`). */
  segments: SegmentState[];
  /**
   * Address of a segment page in the web app (the sandbox's route shapes; the real one is
   * unpublished): `/app/<env>/segments/<name>`, or with `shape: 'detail'`
   * `/app/segments/detail?ci=<env>&segment=<name>`.
   */
  segmentPageUrl(name: string, environmentId?: string, shape?: 'path' | 'detail'): string;
  inspect: CustomerInsightsInspect;
  control: CustomerInsightsControl;
  close(): Promise<void>;
}

/**
 * One HTTPS server that plays Customer Insights' web app, its Data API and Entra ID sign-in,
 * choosing by the Host header (tests send it; Chromium maps the real names here).
 */
export async function startCustomerInsightsSandbox(
  options: CustomerInsightsSandboxOptions = {},
): Promise<CustomerInsightsSandbox> {
  const environments = createEnvironmentStates(options.environments, options.seed ?? 1);
  const first = environments[0];
  if (!first) throw new Error('the sandbox needs at least one environment');
  const webApp: WebAppSettings = { renderDelayMs: options.renderDelayMs ?? 0 };
  const recorded: RecordedRequest[] = [];
  const subscriptionKeys = options.subscriptionKeys ?? SANDBOX_SUBSCRIPTION_KEYS;
  const entraId = new EntraId(options.tokenLifetimeSeconds ?? 3600);
  entraId.interactionRequired = options.requireInteraction ?? false;
  const refreshes = new RefreshesDuringReads();
  const dataApi = new DataApi(environments, entraId, refreshes, {
    maxPageSize: options.maxPageSize ?? 100,
    subscriptionKeys,
  });
  const dataverse = new Dataverse(environments, entraId, refreshes);
  const hosts = [...Object.values(CUSTOMER_INSIGHTS_HOSTS), ...dataverse.hosts()];
  const segmentState = (name: string, environmentId = first.id): SegmentState => {
    const environment = findEnvironment(environments, environmentId);
    const segment = environment && findSegment(environment, name);
    if (!segment) throw new Error(`no segment ${name} in environment ${environmentId}`);
    return segment;
  };

  // Dataverse takes GET URLs of up to 32 KB, above Node's default header limit of 16 KB.
  const server: Server = createServer({ ...throwawayCertificate(), maxHeaderSize: 64 * 1024 }, (req, res) => {
    const host = requestHost(req);
    res.on('finish', () => {
      recorded.push({ host, method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode });
    });
    switch (host) {
      case CUSTOMER_INSIGHTS_HOSTS.webApp:
        handleWebApp(req, res, environments, webApp);
        return;
      case CUSTOMER_INSIGHTS_HOSTS.dataApi:
        dataApi.handle(req, res);
        return;
      case CUSTOMER_INSIGHTS_HOSTS.login:
        entraId.handle(req, res).catch((error: unknown) => {
          if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', String(error));
          else res.destroy();
        });
        return;
      default:
        if (hosts.includes(host)) dataverse.handle(host, req, res);
        else sendText(res, 404, 'text/plain; charset=utf-8', `Unknown host ${host}`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `https://${CUSTOMER_INSIGHTS_HOSTS.webApp}/`,
    localUrl: `https://127.0.0.1:${port}`,
    hostResolverRules: hosts.map((host) => `MAP ${host} 127.0.0.1:${port}`).join(','),
    hosts,
    orgUrl: (environmentId = first.id) => {
      const environment = findEnvironment(environments, environmentId);
      if (!environment) throw new Error(`no environment ${environmentId}`);
      return `https://${environment.orgHost}`;
    },
    environmentId: first.id,
    subscriptionKey: subscriptionKeys[0] ?? '',
    environments,
    segments: first.segments,
    segmentPageUrl: (name, environmentId = first.id, shape = 'path') =>
      shape === 'detail'
        ? `https://${CUSTOMER_INSIGHTS_HOSTS.webApp}/app/segments/detail?${new URLSearchParams({ ci: environmentId, segment: name })}`
        : `https://${CUSTOMER_INSIGHTS_HOSTS.webApp}/app/${environmentId}/segments/${encodeURIComponent(name)}`,
    inspect: {
      requests: () => [...recorded],
      dataReads: () => [...dataApi.reads],
      dataverseReads: () => [...dataverse.reads],
      authorizeRequests: () => [...entraId.authorizeRequests],
      tokensIssued: () => entraId.tokensIssued,
      clear: () => {
        recorded.length = 0;
        dataApi.reads.length = 0;
        dataverse.reads.length = 0;
        entraId.authorizeRequests.length = 0;
      },
    },
    control: {
      setRenderDelay: (ms) => {
        webApp.renderDelayMs = ms;
      },
      throttleNext: (count, retryAfterSeconds) => dataApi.faults.throttleNext(count, retryAfterSeconds),
      failNext: (count, status) => dataApi.faults.failNext(count, status),
      throttleDataverseNext: (count, retryAfterSeconds) =>
        dataverse.faults.throttleNext(count, retryAfterSeconds),
      failDataverseNext: (count, status) => dataverse.faults.failNext(count, status),
      setSegmentJob: (name, status, options = {}) => {
        const segment = segmentState(name, options.environmentId);
        segment.jobStatus = status;
        if (options.evaluationDate) segment.lastRefreshed = options.evaluationDate;
      },
      refreshSegment: (name, refresh = {}) =>
        refreshSegment(segmentState(name, refresh.environmentId), refresh),
      mutateDuringRead: (name, mutation) => {
        refreshes.arm(
          mutation.environmentId ?? first.id,
          segmentState(name, mutation.environmentId).name,
          mutation,
        );
      },
      issueAccessToken: (resource) => entraId.issueAccessToken(resource),
      expireAccessTokens: () => entraId.expireAccessTokens(),
      revokeRefreshTokens: () => entraId.revokeRefreshTokens(),
      requireInteraction: (required) => {
        entraId.interactionRequired = required;
      },
      setTokenLifetime: (seconds) => {
        entraId.tokenLifetimeSeconds = seconds;
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
