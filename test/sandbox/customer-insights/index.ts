import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { throwawayCertificate } from '../../support/tls.ts';
import { requestHost, sendText } from './http-helpers.ts';
import {
  createEnvironmentStates,
  type EnvironmentDefinition,
  type EnvironmentState,
  type SegmentState,
} from './sandbox-state.ts';
import { handleWebApp, type WebAppSettings } from './web-app.ts';

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
}

export interface CustomerInsightsControl {
  /** Changes the web app's paint delay for page loads and in-app navigations from now on. */
  setRenderDelay(ms: number): void;
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
  /** Forgets recorded requests. */
  clear(): void;
}

export interface CustomerInsightsSandbox {
  port: number;
  /** The web app's home as the browser sees it once the host names are mapped to this server. */
  url: string;
  /** The same server addressed directly (send the right Host header). */
  localUrl: string;
  /** Chromium's `--host-resolver-rules` value that sends the three host names to this server. */
  hostResolverRules: string;
  environmentId: string;
  environments: EnvironmentState[];
  /** Live segment states of the first environment (`environmentId`). */
  segments: SegmentState[];
  /** Address of a segment page in the web app (the sandbox's route shape; the real one is unpublished). */
  segmentPageUrl(name: string, environmentId?: string): string;
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

  const server: Server = createServer(throwawayCertificate(), (req, res) => {
    const host = requestHost(req);
    res.on('finish', () => {
      recorded.push({ host, method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode });
    });
    switch (host) {
      case CUSTOMER_INSIGHTS_HOSTS.webApp:
        handleWebApp(req, res, environments, webApp);
        return;
      default:
        sendText(res, 404, 'text/plain; charset=utf-8', `Unknown host ${host}`);
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
    hostResolverRules: Object.values(CUSTOMER_INSIGHTS_HOSTS)
      .map((host) => `MAP ${host} 127.0.0.1:${port}`)
      .join(','),
    environmentId: first.id,
    environments,
    segments: first.segments,
    segmentPageUrl: (name, environmentId = first.id) =>
      `https://${CUSTOMER_INSIGHTS_HOSTS.webApp}/app/${environmentId}/segments/${encodeURIComponent(name)}`,
    inspect: {
      requests: () => [...recorded],
      clear: () => {
        recorded.length = 0;
      },
    },
    control: {
      setRenderDelay: (ms) => {
        webApp.renderDelayMs = ms;
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
