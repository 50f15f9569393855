import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { sandboxFetch as createSandboxFetch } from '../../support/sandbox-fetch.ts';
import { throwawayCertificate } from '../../support/tls.ts';
import { BatchStore } from './batch-store.ts';
import {
  BrandRegistry,
  type SandboxBrand,
  type SandboxBrandDefinition,
  type SandboxKey,
  type SandboxKeyDefinition,
} from './brands.ts';
import { ContactStore, type SandboxContact, type SeedContact } from './contact-store.ts';
import { sharedContract } from './contract.ts';
import { DeferredTasks } from './deferred-tasks.ts';
import { FaultState, type FaultTiming } from './faults.ts';
import { DEFAULT_RATE_LIMITS, type RateClass, SlidingWindowLimiter } from './rate-limiter.ts';
import { createRequestHandler } from './request-handler.ts';
import {
  type ContractViolation,
  type LoggedRequest,
  RequestLog,
  type WelcomeMessage,
} from './request-log.ts';
import { processBatch, routes, type SandboxServices } from './routes.ts';

export type { SandboxBrand, SandboxBrandDefinition, SandboxKey, SandboxKeyDefinition } from './brands.ts';
export type { SandboxContact, SeedContact } from './contact-store.ts';
export type { FieldError, ProblemBody } from './problems.ts';
export type { RateClass } from './rate-limiter.ts';
export type { ContractViolation, LoggedRequest, WelcomeMessage } from './request-log.ts';
/** The host the extension sends Omnisend's API requests to. */
export const OMNISEND_HOST = 'api.omnisend.com';

export interface OmnisendSandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** 1: real limits per minute; 60: the same counts per second (the window becomes 1000 ms). */
  timeScale?: number;
  /** Default: one brand with one key holding every scope. The first brand is the default brand. */
  brands?: SandboxBrandDefinition[];
  /** How long a batch stays pending, and then in progress (default 20 ms each). */
  batchProcessingDelayMs?: number;
  /** How long after the 202 a tag change shows (default 20 ms). */
  tagApplyDelayMs?: number;
  /** Requests per window and class (default 400 and 60 for /contacts/tags). */
  rateLimits?: Partial<Record<RateClass, number>>;
  /** `Omnisend-Version` values answered 410 (default `2026-preview`, `2025-01-01`). */
  retiredVersions?: string[];
  /** Seed of the fault generator. */
  seed?: number;
  /** Newest batches whose successful items keep their request (default 1000). */
  retainedBatches?: number;
  /**
   * Whether GET /batches entries carry their per-item `responses`/`errors` as /items does (default
   * true, a guess – README); false lists each batch as GET /batches/{id} answers it.
   */
  listedBatchItems?: boolean;
  /** Most requests `inspect.requests()` keeps (default 100,000; counts are never capped). */
  requestLogLimit?: number;
}

export interface OmnisendSandboxFaults {
  /** This share of requests fails with 500 (problem body), 502 or 503 (gateway HTML). */
  serverErrorRate(rate: number, timing?: FaultTiming): void;
  /** Every answer waits this long first (the request is processed even if the client gave up). */
  latency(ms: number): void;
  /** This share of connections is destroyed without an answer. */
  dropConnections(rate: number, timing?: FaultTiming): void;
  /** The key (default: the default brand's) answers `requests` more requests, then 401 for good. */
  revokeKeyAfter(requests: number, apiKey?: string): void;
  /** New and waiting batches stay `pending` until this is turned off again. */
  keepBatchesPending(keep: boolean): void;
  /** The next `count` authenticated requests get 429 whatever the budget (retryAfter default 1). */
  rateLimitStorm(count: number, retryAfterSeconds?: number): void;
  reset(): void;
}

export interface OmnisendSandboxInspect {
  /** Contacts of a brand (default brand), as GET /contacts/{id} shows them. */
  contacts(brandId?: string): SandboxContact[];
  contact(email: string, brandId?: string): SandboxContact | undefined;
  contactCount(brandId?: string): number;
  /** `{ 'POST /batches': { 201: 3, 429: 1 } }` by operation and status; 0 = dropped. */
  requestCounts(): Record<string, Record<number, number>>;
  count429(): number;
  welcomeMessages(): WelcomeMessage[];
  contractViolations(): ContractViolation[];
  /** Request log: method, path, operation, status, time, brand – never the key. */
  requests(): LoggedRequest[];
  /** Most authenticated requests (admitted or refused) of a class inside any one window. */
  maxRequestsInAnyWindow(rateClass: RateClass, brandId?: string): number;
  /**
   * Resolves once no request is being answered (one its client gave up on included), no batch is
   * on its way (held ones aside) and no tag change is waiting: from then on nothing changes unless
   * a new request comes.
   */
  whenIdle(): Promise<void>;
  /** Forgets requests, counts, violations and welcome messages (not contacts). */
  clear(): void;
}

export interface OmnisendSandbox {
  /** https://127.0.0.1:port – the server itself; `fetch` reaches it as https://api.omnisend.com. */
  url: string;
  port: number;
  /** Chromium's `--host-resolver-rules` value mapping api.omnisend.com here. */
  hostResolverRules: string;
  /** A key of the default brand with every scope. */
  apiKey: string;
  brandId: string;
  brands: readonly SandboxBrand[];
  /** Node fetch that sends https://api.omnisend.com/... here, trusting the throwaway certificate. */
  fetch: typeof fetch;
  /** Adds a brand (with one full-scope key unless `keys` says otherwise); returns it. */
  addBrand(definition?: SandboxBrandDefinition): SandboxBrand;
  /** Adds a key to a brand (default brand); returns it. */
  addKey(definition?: SandboxKeyDefinition, brandId?: string): SandboxKey;
  revokeKey(apiKey: string): void;
  /** Pre-creates or overwrites a contact directly, without requests, welcome messages or checks. */
  seedContact(contact: SeedContact, brandId?: string): SandboxContact;
  /** Deletes a contact as Omnisend's app does (the API cannot); false when there was none. */
  deleteContact(email: string, brandId?: string): boolean;
  faults: OmnisendSandboxFaults;
  inspect: OmnisendSandboxInspect;
  close(): Promise<void>;
}

/** The default `retiredVersions`: the preview line that preceded 2026-03-15, and a made-up old date. */
export const RETIRED_VERSIONS = ['2026-preview', '2025-01-01'];

/** A local Omnisend API 2026-03-15 over HTTPS; see README.md for the semantics it models. */
export async function startOmnisendSandbox(options: OmnisendSandboxOptions = {}): Promise<OmnisendSandbox> {
  const timeScale = options.timeScale ?? 1;
  const windowMs = 60_000 / timeScale;
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const registry = new BrandRegistry(options.brands);
  const defaultBrand = registry.brands[0];
  const defaultKey = defaultBrand?.keys.find((key) => !key.revoked);
  if (!defaultBrand || !defaultKey) throw new Error('the default brand needs a usable API key');

  const contactStores = new Map<string, ContactStore>();
  const contacts = (brandId: string = defaultBrand.brandID): ContactStore => {
    let store = contactStores.get(brandId);
    if (!store) {
      registry.brand(brandId);
      store = new ContactStore();
      contactStores.set(brandId, store);
    }
    return store;
  };
  const log = new RequestLog(options.requestLogLimit ?? 100_000);
  const faults = new FaultState(options.seed ?? 1);
  const tagTasks = new DeferredTasks();
  const services: SandboxServices = {
    contract: sharedContract(),
    registry,
    contacts,
    batches: new BatchStore({
      delayMs: options.batchProcessingDelayMs ?? 20,
      retainedBatches: options.retainedBatches ?? 1000,
      process: (batch) => processBatch(services, batch),
    }),
    tagTasks,
    tagApplyDelayMs: options.tagApplyDelayMs ?? 20,
    listedBatchItems: options.listedBatchItems ?? true,
    log,
  };
  const limiters = new Map<string, SlidingWindowLimiter>();
  const limiter = (brandId: string, rateClass: RateClass): SlidingWindowLimiter => {
    const key = `${brandId} ${rateClass}`;
    let found = limiters.get(key);
    if (!found) {
      found = new SlidingWindowLimiter(limits[rateClass], windowMs);
      limiters.set(key, found);
    }
    return found;
  };

  const certificate = throwawayCertificate();
  const requests = createRequestHandler({
    services,
    routes,
    faults,
    limiter,
    retiredVersions: new Set(options.retiredVersions ?? RETIRED_VERSIONS),
    maxBodyBytes: 10_000_000,
  });
  const server: Server = createServer(certificate, requests.listener);
  // Longer than the client agent's idle timeout, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sandboxFetch = createSandboxFetch(port, { hosts: [OMNISEND_HOST], ca: certificate.cert });

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    hostResolverRules: `MAP ${OMNISEND_HOST} 127.0.0.1:${port}`,
    apiKey: defaultKey.key,
    brandId: defaultBrand.brandID,
    brands: registry.brands,
    fetch: sandboxFetch.fetch,
    addBrand: (definition = {}) => registry.addBrand(definition),
    addKey: (definition, brandId = defaultBrand.brandID) => registry.addKey(brandId, definition),
    revokeKey: (apiKey) => registry.revoke(apiKey),
    seedContact: (contact, brandId) => contacts(brandId).seed(contact, Date.now()),
    deleteContact: (email, brandId) => contacts(brandId).delete(email),
    faults: {
      serverErrorRate: (rate, timing) => faults.setServerErrorRate(rate, timing),
      latency: (ms) => {
        faults.latencyMs = ms;
      },
      dropConnections: (rate, timing) => faults.setDropRate(rate, timing),
      revokeKeyAfter: (requests, apiKey = defaultKey.key) => {
        faults.revokeAfter.set(apiKey, requests);
      },
      keepBatchesPending: (keep) => services.batches.keepPending(keep),
      rateLimitStorm: (count, retryAfterSeconds = 1) => faults.startStorm(count, retryAfterSeconds),
      reset: () => {
        faults.reset();
        services.batches.keepPending(false);
      },
    },
    inspect: {
      contacts: (brandId) => [...contacts(brandId).all()],
      contact: (email, brandId) => contacts(brandId).get(email),
      contactCount: (brandId) => contacts(brandId).size,
      requestCounts: () => log.requestCounts(),
      count429: () => log.countStatus(429),
      welcomeMessages: () => [...log.welcomes],
      contractViolations: () => [...log.violations],
      requests: () => log.requests(),
      maxRequestsInAnyWindow: (rateClass, brandId = defaultBrand.brandID) =>
        log.maxRequestsInAnyWindow(brandId, rateClass, windowMs),
      whenIdle: async () => {
        while (requests.inFlight() > 0 || services.batches.moving > 0 || tagTasks.pending > 0) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
      clear: () => log.clear(),
    },
    close: async () => {
      services.batches.close();
      tagTasks.close();
      sandboxFetch.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
