import type { z } from 'zod';
import { abortReason, type Clock } from '../../core/clock.ts';
import { decideRetry, type FailureInfo, type RetryPolicyOptions } from '../../core/retry-policy.ts';
import { CustomerInsightsError, type CustomerInsightsErrorCode } from './errors.ts';
import { jsonOrUndefined, odataString } from './odata.ts';
import { parseRetryAfter } from './retry-after.ts';
import {
  apiErrorSchema,
  customerPageSchema,
  gatewayErrorSchema,
  instancesSchema,
  segmentsSchema,
} from './schemas.ts';
import type { AccessTokens } from './token-provider.ts';

/**
 * The Customer Insights Data API (customer-insights.md §2): every call carries the Entra bearer
 * token and the APIM subscription key. Throttling (429) and unavailability (5xx) are retried a
 * bounded number of times, waiting what `Retry-After` says (the Data API's limits are unpublished);
 * a rejected token is renewed once per request. Every answer is checked with zod.
 */

export const DEFAULT_DATA_API_URL = 'https://api.ci.ai.dynamics.com/v1';
/** The Data API's documented default page; whether larger `$top` is honoured is unknown. */
export const DEFAULT_PAGE_SIZE = 100;
/** The profile key of the unified `Customer` table. */
export const CUSTOMER_KEY = 'CustomerId';

export const DATA_API_RETRY_POLICY: RetryPolicyOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  defaultRetryAfterMs: 10_000,
};

export interface DataApiClientOptions {
  subscriptionKey: string;
  tokens: AccessTokens;
  fetch: typeof fetch;
  clock: Clock;
  baseUrl?: string;
  /** A number in [0, 1), for backoff jitter; defaults to Math.random. */
  random?: () => number;
  retryPolicy?: RetryPolicyOptions;
  /**
   * Longest `Retry-After` waited inline. A longer one ends the call with a retryable
   * `rate-limited` error carrying `retryAfterMs`, so the worker can sleep on an alarm instead.
   */
  maxInlineWaitMs?: number;
  timeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface InstanceInfo {
  instanceId: string;
  name: string;
}

export interface SegmentMetadata {
  /** Output table name: what queries take, and the segment's id in this extension. */
  name: string;
  /** `friendlyName`, else the output name. */
  displayName: string;
  /** `evaluationStatus.entityCount`. */
  memberCount: number | null;
  /** Epoch ms of the last finished refresh (`evaluationStatus.evaluationDate`), null when the API does not say. */
  lastRefreshedAt: number | null;
  /** Bumped by each refresh where the API reports it (the sandbox does), else null. */
  version: number | string | null;
}

export interface CustomerQuery {
  /** Output name for `IsMemberOfSegment`; null reads the whole `Customer` table. */
  segmentName: string | null;
  /** Fields to return; `CustomerId` is always added. Absent: every field. */
  select?: readonly string[] | undefined;
  /** Defaults to `CustomerId`, the only order stable across pages. */
  orderBy?: string | undefined;
  top: number;
  skip: number;
  count?: boolean | undefined;
}

export interface CustomerPage {
  rows: Record<string, unknown>[];
  /** `@odata.count` when asked for and answered. */
  count: number | null;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_MAX_INLINE_WAIT_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 60_000;

function toEpochMs(text: string | null | undefined): number | null {
  if (!text) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

/**
 * `evaluationDate` as the time of the last refresh whose members can be read. While a refresh is
 * queued or running, or after one failed, Microsoft's job states (`SegmentationPublishStats.jobStatus`)
 * say the members are not a finished refresh, so no refresh time is reported: "After each source
 * refresh" then fires once the job has completed, not when it started.
 */
function finishedRefreshAt(
  status:
    | { jobStatus?: string | null | undefined; evaluationDate?: string | null | undefined }
    | null
    | undefined,
): number | null {
  const job = status?.jobStatus?.toLowerCase();
  if (job !== undefined && job !== 'completedsuccess' && job !== 'none') return null;
  return toEpochMs(status?.evaluationDate);
}

export class DataApiClient {
  readonly #options: DataApiClientOptions;
  readonly #baseUrl: string;

  constructor(options: DataApiClientOptions) {
    this.#options = options;
    this.#baseUrl = (options.baseUrl ?? DEFAULT_DATA_API_URL).replace(/\/+$/, '');
  }

  async listInstances(options: RequestOptions = {}): Promise<InstanceInfo[]> {
    const instances = await this.#get('/instances', [], instancesSchema, options.signal);
    return instances.map((i) => ({ instanceId: i.instanceId, name: i.name ?? i.instanceId }));
  }

  async listSegments(instanceId: string, options: RequestOptions = {}): Promise<SegmentMetadata[]> {
    const segments = await this.#get(
      `/instances/${encodeURIComponent(instanceId)}/manage/segments`,
      [],
      segmentsSchema,
      options.signal,
    );
    return segments.map((s) => ({
      name: s.name,
      displayName: s.friendlyName || s.name,
      memberCount: s.evaluationStatus?.entityCount ?? null,
      lastRefreshedAt: finishedRefreshAt(s.evaluationStatus),
      version: s.version ?? null,
    }));
  }

  async readCustomers(
    instanceId: string,
    query: CustomerQuery,
    options: RequestOptions = {},
  ): Promise<CustomerPage> {
    const params: [string, string][] = [];
    if (query.segmentName !== null) {
      params.push(['$filter', `IsMemberOfSegment(${odataString(query.segmentName)})`]);
    }
    if (query.select) {
      const fields = [CUSTOMER_KEY, ...query.select.filter((field) => field !== CUSTOMER_KEY)];
      const invalid = fields.find((field) => !FIELD_NAME.test(field));
      if (invalid !== undefined) {
        throw new CustomerInsightsError(
          'customer-insights.invalid-request',
          `"${invalid}" is not a Customer Insights field name.`,
        );
      }
      params.push(['$select', fields.join(',')]);
    }
    params.push(['$orderby', query.orderBy ?? CUSTOMER_KEY]);
    params.push(['$top', String(query.top)]);
    params.push(['$skip', String(query.skip)]);
    if (query.count) params.push(['$count', 'true']);
    const page = await this.#get(
      `/instances/${encodeURIComponent(instanceId)}/data/Customer`,
      params,
      customerPageSchema,
      options.signal,
    );
    return { rows: page.value, count: page['@odata.count'] ?? null };
  }

  async #get<T extends z.ZodType>(
    path: string,
    params: [string, string][],
    schema: T,
    signal: AbortSignal | undefined,
  ): Promise<z.output<T>> {
    // `$` stays literal (OData's system query options); values are percent-encoded.
    const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
    const url = `${this.#baseUrl}${path}${query ? `?${query}` : ''}`;
    const tokens = this.#options.tokens;
    const policy = this.#options.retryPolicy ?? DATA_API_RETRY_POLICY;
    let token = await tokens.accessToken(signal);
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#send(url, token, signal);
      if (outcome.kind === 'ok') {
        const parsed = schema.safeParse(outcome.body);
        if (parsed.success) return parsed.data;
        throw new CustomerInsightsError(
          'customer-insights.unexpected-response',
          'Customer Insights answered in a shape this extension does not understand.',
          { status: outcome.status },
        );
      }
      if (outcome.kind === 'token-rejected' && !renewed) {
        renewed = true;
        attempt--;
        token = await tokens.renew(token, signal);
        continue;
      }
      const error = outcome.error;
      if (!error.retryable) throw error;
      // The server's `Retry-After` (on a 429 or a 503) beats computed backoff.
      const failure: FailureInfo =
        error.retryAfterMs !== undefined
          ? { kind: 'rate-limited', retryAfterMs: error.retryAfterMs }
          : { kind: error.code === 'customer-insights.rate-limited' ? 'rate-limited' : 'server' };
      const decision = decideRetry(failure, attempt, this.#options.random ?? Math.random, policy);
      if (!decision.retry) throw error;
      if (decision.delayMs > (this.#options.maxInlineWaitMs ?? DEFAULT_MAX_INLINE_WAIT_MS)) {
        throw new CustomerInsightsError(error.code, error.message, {
          status: error.status,
          retryAfterMs: decision.delayMs,
        });
      }
      await this.#options.clock.sleep(decision.delayMs, signal);
      // A long wait may have outlived the token.
      token = await tokens.accessToken(signal);
    }
  }

  async #send(url: string, token: string, signal: AbortSignal | undefined): Promise<Outcome> {
    if (signal?.aborted) throw abortReason(signal);
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // A safety net against a stalled connection, not scheduled work, hence a plain timer.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.#options.fetch(url, {
        method: 'GET',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'ocp-apim-subscription-key': this.#options.subscriptionKey,
        },
        signal: controller.signal,
      });
      const text = await response.text();
      const body = jsonOrUndefined(text);
      if (response.ok) return { kind: 'ok', status: response.status, body };
      return this.#failure(response, body);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const code: CustomerInsightsErrorCode = timedOut
        ? 'customer-insights.timeout'
        : 'customer-insights.network-error';
      return {
        kind: 'failed',
        error: new CustomerInsightsError(
          code,
          timedOut
            ? `Customer Insights did not answer within ${Math.round(timeoutMs / 1000)} s.`
            : 'Could not reach Customer Insights – check the connection.',
          { cause: error },
        ),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #failure(response: Response, body: unknown): Outcome {
    const status = response.status;
    const apiCode = apiErrorSchema.safeParse(body).data?.error.code;
    const gatewayMessage = gatewayErrorSchema.safeParse(body).data?.message ?? '';
    const suffix = apiCode ? ` (${apiCode})` : '';
    const fail = (code: CustomerInsightsErrorCode, message: string, retryAfterMs?: number): Outcome => ({
      kind: 'failed',
      error: new CustomerInsightsError(code, message, { status, retryAfterMs }),
    });
    if (status === 401) {
      // The API gateway checks the key before the token and says so in its message.
      if (/subscription key/i.test(gatewayMessage)) {
        return fail(
          'customer-insights.invalid-subscription-key',
          'Customer Insights rejected the API subscription key – paste the primary or secondary key from Settings > Permissions > APIs in Sources.',
        );
      }
      return {
        kind: 'token-rejected',
        error: new CustomerInsightsError(
          'customer-insights.access-denied',
          'Customer Insights did not accept the signed-in account – sign in again, or check that the account may use this environment.',
          { status },
        ),
      };
    }
    if (status === 403) {
      return fail(
        'customer-insights.access-denied',
        `The signed-in account may not read this Customer Insights environment${suffix}.`,
      );
    }
    if (status === 404)
      return fail('customer-insights.not-found', `Customer Insights found no such resource${suffix}.`);
    if (status === 429) {
      return fail(
        'customer-insights.rate-limited',
        'Customer Insights is throttling requests.',
        parseRetryAfter(response.headers.get('retry-after'), this.#options.clock.now()) ?? undefined,
      );
    }
    if (status >= 500) {
      return fail(
        'customer-insights.server-error',
        `Customer Insights is unavailable (HTTP ${status})${suffix}.`,
        parseRetryAfter(response.headers.get('retry-after'), this.#options.clock.now()) ?? undefined,
      );
    }
    return fail(
      'customer-insights.invalid-request',
      `Customer Insights refused the request (HTTP ${status})${suffix}.`,
    );
  }
}

type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'token-rejected'; error: CustomerInsightsError }
  | { kind: 'failed'; error: CustomerInsightsError };
