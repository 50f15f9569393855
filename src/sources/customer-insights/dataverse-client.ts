import { z } from 'zod';
import type { HttpAnswer } from '../../core/http.ts';
import { parseRetryAfter } from '../../core/retry-after.ts';
import { authorizedGet, type Outcome, type ReadSettings } from './authorized-get.ts';
import { CustomerInsightsError, type CustomerInsightsErrorCode, OrgAccessRequiredError } from './errors.ts';

/**
 * The Dataverse Web API of one organisation, read-only (customer-insights.md §2b): GET with
 * `Authorization: Bearer` (a token whose audience is this organisation), `Accept:
 * application/json`, `OData-Version: 4.0`, `OData-MaxVersion: 4.0`, and `Prefer:
 * odata.maxpagesize=N` for paging; an answer is `{ value, @odata.nextLink? }`, and the next page is
 * the `@odata.nextLink` sent back unchanged (Power Apps `webapi/compose-http-requests-handle-errors`,
 * `webapi/query/page-results`). Service protection limits answer 429 with `Retry-After` in seconds
 * (`api-limits`); those, and 5xx, are retried a bounded number of times, waiting what the server
 * said. A rejected token is renewed once per request. The token never goes anywhere but this
 * organisation: a next link pointing elsewhere is refused.
 */

export const DATAVERSE_API_PATH = '/api/data/v9.2/';
/** Dataverse answers at most this many rows per page, whatever is asked (`webapi/query/page-results`). */
export const DATAVERSE_MAX_PAGE_SIZE = 5_000;

export interface DataverseClientOptions extends ReadSettings {
  /** The organisation's origin, e.g. `https://contoso.crm4.dynamics.com`. */
  orgUrl: string;
  /** Whether the browser lets the extension reach the organisation (its optional host permission). */
  originAllowed?: () => Promise<boolean>;
}

/** A query of one table (entity set) of the service root. */
export interface DataverseQuery {
  entitySet: string;
  /** `$` options stay literal; values are percent-encoded. */
  params: readonly (readonly [string, string])[];
}

export interface DataversePage {
  rows: Record<string, unknown>[];
  /** `@odata.nextLink`, to be sent back unchanged; null on the last page. */
  nextLink: string | null;
}

const pageSchema = z.looseObject({
  value: z.array(z.record(z.string(), z.unknown())),
  '@odata.nextLink': z.string().optional(),
});

const errorSchema = z.looseObject({
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }),
});

export class DataverseClient {
  readonly #options: DataverseClientOptions;
  readonly origin: string;

  constructor(options: DataverseClientOptions) {
    this.#options = options;
    this.origin = new URL(options.orgUrl).origin;
  }

  get host(): string {
    return new URL(this.origin).host;
  }

  urlOf(query: DataverseQuery): string {
    const search = query.params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
    return `${this.origin}${DATAVERSE_API_PATH}${query.entitySet}${search ? `?${search}` : ''}`;
  }

  /** One page of `query`, or the page a previous answer's `@odata.nextLink` names. */
  async page(
    from: DataverseQuery | { nextLink: string },
    maxPageSize: number,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<DataversePage> {
    const url = 'nextLink' in from ? this.#ownLink(from.nextLink) : this.urlOf(from);
    const body = await this.#get(url, maxPageSize, options.signal);
    return { rows: body.value, nextLink: body['@odata.nextLink'] ?? null };
  }

  #ownLink(link: string): string {
    const url = URL.canParse(link) ? new URL(link) : null;
    if (url?.origin !== this.origin || !url.pathname.startsWith(DATAVERSE_API_PATH)) {
      throw new CustomerInsightsError(
        'customer-insights.unexpected-response',
        `Dataverse sent a next page address outside ${this.host}; the read stopped there.`,
      );
    }
    return url.toString();
  }

  async #get(url: string, maxPageSize: number, signal: AbortSignal | undefined) {
    if (this.#options.originAllowed && !(await this.#options.originAllowed())) {
      throw new OrgAccessRequiredError(this.origin);
    }
    const request = {
      url,
      headers: {
        accept: 'application/json',
        'odata-version': '4.0',
        'odata-maxversion': '4.0',
        prefer: `odata.maxpagesize=${maxPageSize}`,
      },
      service: `Dataverse (${this.host})`,
      unreachableHint: 'check the connection and the organisation URL',
      failure: (answer: HttpAnswer) => this.#failure(answer),
    };
    return authorizedGet(request, pageSchema, this.#options, signal);
  }

  #failure({ status, headers, body }: HttpAnswer): Outcome {
    const error = errorSchema.safeParse(body).data?.error;
    const suffix = error?.code ? ` (${error.code})` : '';
    const retryAfterMs = () => parseRetryAfter(headers.get('retry-after'), this.#options.clock.now());
    const fail = (code: CustomerInsightsErrorCode, message: string, wait?: number): Outcome => ({
      kind: 'failed',
      error: new CustomerInsightsError(code, message, { status, retryAfterMs: wait }),
    });
    if (status === 401) {
      return {
        kind: 'token-rejected',
        error: new CustomerInsightsError(
          'customer-insights.access-denied',
          `Dataverse (${this.host}) did not accept the sign-in – sign in again to this environment in Sources.`,
          { status },
        ),
      };
    }
    if (status === 403) {
      return fail(
        'customer-insights.access-denied',
        `The signed-in account may not read Customer Insights data in ${this.host}${suffix} – it needs read access to its Dataverse tables.`,
      );
    }
    if (status === 404) {
      return fail(
        'customer-insights.not-found',
        `${this.host} has no Customer Insights tables${suffix} – check the organisation URL of this environment.`,
      );
    }
    if (status === 429) {
      return fail(
        'customer-insights.rate-limited',
        `Dataverse (${this.host}) is limiting requests${suffix}.`,
        retryAfterMs(),
      );
    }
    if (status >= 500) {
      return fail(
        'customer-insights.server-error',
        `Dataverse (${this.host}) is unavailable (HTTP ${status})${suffix}.`,
        retryAfterMs(),
      );
    }
    // A column that is not there names itself in OData's standard wording.
    const column = /property named '([^']{1,100})'/.exec(error?.message ?? '')?.[1];
    if (column) {
      return fail(
        'customer-insights.invalid-request',
        `The customer profiles in ${this.host} have no column “${column}” – edit the export and map an existing field.`,
      );
    }
    return fail(
      'customer-insights.invalid-request',
      `Dataverse (${this.host}) refused the request (HTTP ${status})${suffix}.`,
    );
  }
}
