import type { z } from 'zod';
import type { HttpAnswer } from '../../core/http.ts';
import { parseRetryAfter } from '../../core/retry-after.ts';
import { authorizedGet, type Outcome, type ReadSettings } from './authorized-get.ts';
import { CustomerInsightsError, type CustomerInsightsErrorCode } from './errors.ts';
import { odataString } from './odata.ts';
import {
  apiErrorSchema,
  customerPageSchema,
  gatewayErrorSchema,
  instancesSchema,
  segmentsSchema,
} from './schemas.ts';

/**
 * The Customer Insights Data API (customer-insights.md §2): every call carries the Entra bearer
 * token and the APIM subscription key. Throttling (429) and unavailability (5xx) are retried a
 * bounded number of times, waiting what `Retry-After` says (the Data API's limits are unpublished);
 * a rejected token is renewed once per request. Every answer is checked with zod.
 */

export const DATA_API_URL = 'https://api.ci.ai.dynamics.com/v1';
/** The Data API's documented default page; whether larger `$top` is honoured is unknown. */
export const DEFAULT_PAGE_SIZE = 100;
/** The profile key of the unified `Customer` table. */
export const CUSTOMER_KEY = 'CustomerId';

export interface DataApiClientOptions extends ReadSettings {
  subscriptionKey: string;
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

  constructor(options: DataApiClientOptions) {
    this.#options = options;
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
    const request = {
      url: `${DATA_API_URL}${path}${query ? `?${query}` : ''}`,
      headers: { accept: 'application/json', 'ocp-apim-subscription-key': this.#options.subscriptionKey },
      service: 'Customer Insights',
      unreachableHint: 'check the connection',
      failure: (answer: HttpAnswer) => this.#failure(answer),
    };
    return authorizedGet(request, schema, this.#options, signal);
  }

  #failure({ status, headers, body }: HttpAnswer): Outcome {
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
        parseRetryAfter(headers.get('retry-after'), this.#options.clock.now()),
      );
    }
    if (status >= 500) {
      return fail(
        'customer-insights.server-error',
        `Customer Insights is unavailable (HTTP ${status})${suffix}.`,
        parseRetryAfter(headers.get('retry-after'), this.#options.clock.now()),
      );
    }
    return fail(
      'customer-insights.invalid-request',
      `Customer Insights refused the request (HTTP ${status})${suffix}.`,
    );
  }
}
