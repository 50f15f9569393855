import type { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { type HttpAnswer, sendHttp, TransportError } from '../../core/http.ts';
import { decideRetry, type FailureInfo, type RetryPolicyOptions } from '../../core/retry-policy.ts';
import { CustomerInsightsError, type CustomerInsightsErrorCode } from './errors.ts';
import type { AccessTokens } from './token-provider.ts';

/** How both Customer Insights routes read (the Data API and Dataverse): what their clients take. */
export interface ReadSettings {
  tokens: AccessTokens;
  fetch: typeof fetch;
  clock: Clock;
  /** A number in [0, 1), for backoff jitter; defaults to Math.random. */
  random?: () => number;
  retryPolicy?: RetryPolicyOptions;
  /**
   * Longest `Retry-After` waited inline. A longer one ends the call with a retryable error carrying
   * `retryAfterMs`, so the worker can sleep on an alarm instead.
   */
  maxInlineWaitMs?: number;
  timeoutMs?: number;
}

/**
 * Throttling (429) and unavailability (5xx) are tried again a bounded number of times; neither API
 * publishes a retry count, so this one is ours.
 */
export const READ_RETRY_POLICY: RetryPolicyOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  defaultRetryAfterMs: 10_000,
};
const DEFAULT_MAX_INLINE_WAIT_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 60_000;

/** What one request came to, as the API's client reads the answer. */
export type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'token-rejected'; error: CustomerInsightsError }
  | { kind: 'failed'; error: CustomerInsightsError };

/** What the API's client says about one of its GETs. */
export interface ApiRequest {
  url: string;
  /** The request's headers besides the token. */
  headers: Record<string, string>;
  /** The service as messages name it, e.g. "Customer Insights" or "Dataverse (contoso.crm4.dynamics.com)". */
  service: string;
  /** What to check when the service cannot be reached. */
  unreachableHint: string;
  /** What an answer other than 2xx means for this API. */
  failure: (answer: HttpAnswer) => Outcome;
}

/**
 * A GET with a bearer token, through core's HTTP layer: a token the server rejects is renewed once;
 * a retryable failure is tried again as the policy says, the server's `Retry-After` (on a 429 or a
 * 503) beating computed backoff. The 2xx answer's body must match `schema`.
 */
export async function authorizedGet<T extends z.ZodType>(
  request: ApiRequest,
  schema: T,
  settings: ReadSettings,
  signal: AbortSignal | undefined,
): Promise<z.output<T>> {
  const { tokens } = settings;
  const policy = settings.retryPolicy ?? READ_RETRY_POLICY;
  let token = await tokens.accessToken(signal);
  let renewed = false;
  for (let attempt = 1; ; attempt++) {
    const outcome = await send(request, token, settings, signal);
    if (outcome.kind === 'ok') {
      const parsed = schema.safeParse(outcome.body);
      if (parsed.success) return parsed.data;
      throw new CustomerInsightsError(
        'customer-insights.unexpected-response',
        `${request.service} answered in a shape this extension does not understand.`,
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
    const failure: FailureInfo =
      error.retryAfterMs !== undefined
        ? { kind: 'rate-limited', retryAfterMs: error.retryAfterMs }
        : { kind: error.code === 'customer-insights.rate-limited' ? 'rate-limited' : 'server' };
    const decision = decideRetry(failure, attempt, settings.random ?? Math.random, policy);
    if (!decision.retry) throw error;
    if (decision.delayMs > (settings.maxInlineWaitMs ?? DEFAULT_MAX_INLINE_WAIT_MS)) {
      throw new CustomerInsightsError(error.code, error.message, {
        status: error.status,
        retryAfterMs: decision.delayMs,
      });
    }
    await settings.clock.sleep(decision.delayMs, signal);
    // A long wait may have outlived the token.
    token = await tokens.accessToken(signal);
  }
}

async function send(
  request: ApiRequest,
  token: string,
  settings: ReadSettings,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let answer: HttpAnswer;
  try {
    answer = await sendHttp(settings.fetch, {
      url: request.url,
      method: 'GET',
      headers: { ...request.headers, authorization: `Bearer ${token}` },
      signal,
      timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    const timedOut = error.kind === 'timeout';
    const code: CustomerInsightsErrorCode = timedOut
      ? 'customer-insights.timeout'
      : 'customer-insights.network-error';
    const message = timedOut
      ? `${request.service} did not answer within ${Math.round(timeoutMs / 1000)} s.`
      : `Could not reach ${request.service} – ${request.unreachableHint}.`;
    return { kind: 'failed', error: new CustomerInsightsError(code, message, { cause: error.cause }) };
  }
  if (answer.ok) return { kind: 'ok', status: answer.status, body: answer.body };
  return request.failure(answer);
}
