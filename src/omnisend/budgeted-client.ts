import type { Clock } from '../core/clock.ts';
import { type EndpointClass, endpointClassOf, type RateBudget } from '../core/rate-budget.ts';
import { decideRetry, defaultRetryPolicy, type RetryPolicyOptions } from '../core/retry-policy.ts';
import type { BatchOutcome } from './batch-outcome.ts';
import type {
  BatchListPage,
  ContactPage,
  ListBatchesQuery,
  ListContactsQuery,
  OmnisendApi,
  OmnisendClient,
  RequestOptions,
} from './client.ts';
import { failureInfoOf, OmnisendError } from './errors.ts';
import { checkTagRequest, contactBatchBody } from './request-limits.ts';
import type { Brand, ContactJson, ContactRequest, ContactResponse } from './schemas.ts';

/**
 * The Omnisend client as the engine uses it: every request first takes a slot of the brand's
 * rate budget (tags and everything else separately), and failures are retried per the retry
 * policy – a 429 pushes the whole class back by `retryAfter` (so every caller of the brand waits,
 * not only this one), 5xx/network/timeouts back off with jitter, other 4xx fail at once with
 * their typed error. Requests that break a documented limit are refused before taking a slot.
 */

export interface BudgetedOmnisendClientOptions {
  client: OmnisendClient;
  /** The budget of the brand the client's key belongs to; share it between all its clients. */
  budget: RateBudget;
  clock: Clock;
  /** [0, 1), for backoff jitter. */
  random?: () => number;
  /**
   * Overrides of `defaultRetryPolicy`. Unless given, a 429 without `retryAfter` waits one window of
   * the budget's class – a sliding window is empty after that – so scaled-time tests scale it too.
   */
  retryPolicy?: Partial<RetryPolicyOptions>;
  /** Called before each retry (to show "waiting for Omnisend's rate limit" and the like). */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  error: OmnisendError;
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  delayMs: number;
  endpointClass: EndpointClass;
}

export interface OmnisendCallStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  requestsByClass: Record<EndpointClass, number>;
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
}

export class BudgetedOmnisendClient implements OmnisendApi {
  readonly #client: OmnisendClient;
  readonly #budget: RateBudget;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #policy: Partial<RetryPolicyOptions>;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #stats: OmnisendCallStats = {
    requests: 0,
    requestsByClass: { default: 0, tags: 0 },
    retries: 0,
    rateLimited: 0,
  };
  #lastError: OmnisendError | undefined;

  constructor(options: BudgetedOmnisendClientOptions) {
    this.#client = options.client;
    this.#budget = options.budget;
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.#policy = options.retryPolicy ?? {};
    this.#onRetry = options.onRetry;
  }

  /** Counters since this client was made. */
  get stats(): OmnisendCallStats {
    return { ...this.#stats, requestsByClass: { ...this.#stats.requestsByClass } };
  }

  /** The last Omnisend error seen, retried or not. */
  get lastError(): OmnisendError | undefined {
    return this.#lastError;
  }

  /** Omnisend's request id (`instance`) of the last error, to quote to Omnisend support. */
  get lastErrorRequestId(): string | undefined {
    return this.#lastError?.requestId;
  }

  async getBrand(options?: RequestOptions): Promise<Brand> {
    return this.#call('GET', '/brands/current', (o) => this.#client.getBrand(o), options);
  }

  async submitContactBatch(
    items: readonly (ContactRequest | ContactJson)[],
    options?: RequestOptions,
  ): Promise<{ batchID: string; totalCount: number }> {
    contactBatchBody(items);
    return this.#call('POST', '/batches', (o) => this.#client.submitContactBatch(items, o), options);
  }

  async getBatchOutcome(batchID: string, options?: RequestOptions): Promise<BatchOutcome> {
    return this.#call('GET', '/batches/{id}/items', (o) => this.#client.getBatchOutcome(batchID, o), options);
  }

  async listBatchOutcomes(query: ListBatchesQuery, options?: RequestOptions): Promise<BatchListPage> {
    return this.#call('GET', '/batches', (o) => this.#client.listBatchOutcomes(query, o), options);
  }

  async addTags(emails: readonly string[], tags: readonly string[], options?: RequestOptions): Promise<void> {
    checkTagRequest(emails, tags);
    return this.#call('POST', '/contacts/tags', (o) => this.#client.addTags(emails, tags, o), options);
  }

  async removeTags(
    emails: readonly string[],
    tags: readonly string[],
    options?: RequestOptions,
  ): Promise<void> {
    checkTagRequest(emails, tags);
    return this.#call('DELETE', '/contacts/tags', (o) => this.#client.removeTags(emails, tags, o), options);
  }

  async findContactByEmail(email: string, options?: RequestOptions): Promise<ContactResponse | null> {
    return this.#call('GET', '/contacts', (o) => this.#client.findContactByEmail(email, o), options);
  }

  async listContacts(query: ListContactsQuery, options?: RequestOptions): Promise<ContactPage> {
    return this.#call('GET', '/contacts', (o) => this.#client.listContacts(query, o), options);
  }

  async #call<T>(
    method: string,
    path: string,
    send: (options: RequestOptions) => Promise<T>,
    options: RequestOptions | undefined,
  ): Promise<T> {
    const cls = endpointClassOf(method, path);
    const signal = options?.signal;
    const requestOptions: RequestOptions = signal === undefined ? {} : { signal };
    const policy: RetryPolicyOptions = {
      ...defaultRetryPolicy,
      defaultRetryAfterMs: this.#budget.effectiveLimitOf(cls).windowMs,
      ...this.#policy,
    };
    for (let attempt = 1; ; attempt++) {
      await this.#budget.acquire(cls, signal);
      this.#stats.requests++;
      this.#stats.requestsByClass[cls]++;
      try {
        return await send(requestOptions);
      } catch (error) {
        if (!(error instanceof OmnisendError)) throw error;
        this.#lastError = error;
        const failure = failureInfoOf(error);
        if (failure.kind === 'rate-limited') this.#stats.rateLimited++;
        const decision = decideRetry(failure, attempt, this.#random, policy);
        if (!decision.retry) throw error;
        this.#stats.retries++;
        this.#onRetry?.({ error, attempt, delayMs: decision.delayMs, endpointClass: cls });
        if (failure.kind === 'rate-limited') {
          // The next acquire() waits out the penalty, together with every other caller of the class.
          this.#budget.penalize(cls, decision.delayMs);
        } else {
          await this.#clock.sleep(decision.delayMs, signal);
        }
      }
    }
  }
}
