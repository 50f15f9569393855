import type { z } from 'zod';
import { abortReason } from '../core/clock.ts';
import { type HttpAnswer, sendHttp, TransportError } from '../core/http.ts';
import { type BatchOutcome, batchOutcome, listedBatchOutcome, missingBatch } from './batch-outcome.ts';
import {
  errorFromResponse,
  InvalidApiKeyError,
  NetworkError,
  NotFoundError,
  type OmnisendScope,
  TimeoutError,
  UnexpectedResponseError,
} from './errors.ts';
import { checkTagRequest, contactBatchBody } from './request-limits.ts';
import {
  type Brand,
  batchSchema,
  brandSchema,
  type ContactJson,
  type ContactRequest,
  type ContactResponse,
  createBatchResponseSchema,
  listBatchesResponseSchema,
  listContactsResponseSchema,
} from './schemas.ts';

export {
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  MAX_TAG_EMAILS,
  MAX_TAGS_PER_REQUEST,
} from './request-limits.ts';

/**
 * Omnisend REST API 2026-03-15, the operations this extension needs (omnisend-api.md).
 * One request per call, no retries, no pacing – `BudgetedOmnisendClient` adds those. Every
 * failure is a typed `OmnisendError`; a caller's abort rejects with the signal's reason as is.
 */

export const OMNISEND_API_VERSION = '2026-03-15';
export const DEFAULT_BASE_URL = 'https://api.omnisend.com/api';
/** Omnisend recommends ~10 s; its own WordPress plugin uses 10 s (omnisend-api.md §7.4). */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface OmnisendClientOptions {
  apiKey: string;
  fetch: typeof fetch;
  baseUrl?: string;
  timeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** The operations, as both the plain and the budgeted client offer them. */
export interface OmnisendApi {
  getBrand(options?: RequestOptions): Promise<Brand>;
  submitContactBatch(
    items: readonly (ContactRequest | ContactJson)[],
    options?: RequestOptions,
  ): Promise<{ batchID: string; totalCount: number }>;
  getBatchOutcome(batchID: string, options?: RequestOptions): Promise<BatchOutcome>;
  listBatchOutcomes(query: ListBatchesQuery, options?: RequestOptions): Promise<BatchListPage>;
  addTags(emails: readonly string[], tags: readonly string[], options?: RequestOptions): Promise<void>;
  removeTags(emails: readonly string[], tags: readonly string[], options?: RequestOptions): Promise<void>;
  findContactByEmail(email: string, options?: RequestOptions): Promise<ContactResponse | null>;
  listContacts(query: ListContactsQuery, options?: RequestOptions): Promise<ContactPage>;
}

/**
 * One page of GET /contacts for a brand-wide listing (omnisend-api.md §8; the OpenAPI document's
 * `limit` 1–250, `after`, `sort`, `direction`, `updatedAtFrom` – which no other filter may join).
 */
export interface ListContactsQuery {
  limit: number;
  after?: string;
  sort: 'createdAt' | 'updatedAt';
  direction: 'asc' | 'desc';
  /** RFC3339. */
  updatedAtFrom?: string;
}

/** One page of GET /batches?endpoint=contacts (the batches document: offset 0+, limit 1–250). */
export interface ListBatchesQuery {
  offset: number;
  limit: number;
  /** yyyy-mm-dd: batches created that day or later. */
  dateFrom?: string;
}

export interface BatchListPage {
  /** Each listed batch with its outcome, null when its items must be read (`listedBatchOutcome`). */
  batches: { batchID: string; outcome: BatchOutcome | null }[];
  /** Omnisend offered a next page. */
  more: boolean;
}

export interface ContactPage {
  contacts: ContactResponse[];
  /** The cursor of the next page; null on the last one. */
  after: string | null;
}

type HttpMethod = 'GET' | 'POST' | 'DELETE';

interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: string;
  scope: OmnisendScope;
}

// Omnisend keys are opaque printable tokens; anything else (a line break from a sloppy paste)
// would make `Headers` throw an error that quotes the key.
const apiKeyPattern = /^[\x21-\x7e]+$/;

export class OmnisendClient implements OmnisendApi {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: OmnisendClientOptions) {
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** GET /brands/current – also the cheap check that a key works (needs `brands.read`). */
  async getBrand(options?: RequestOptions): Promise<Brand> {
    const body = await this.#request(
      { method: 'GET', path: '/brands/current', scope: 'brands.read' },
      options,
    );
    return parse(brandSchema, body);
  }

  /** POST /batches: an asynchronous upsert of ≤ 100 contacts (by email); poll with getBatchOutcome. */
  async submitContactBatch(
    items: readonly (ContactRequest | ContactJson)[],
    options?: RequestOptions,
  ): Promise<{ batchID: string; totalCount: number }> {
    const spec = {
      method: 'POST',
      path: '/batches',
      body: contactBatchBody(items),
      scope: 'contacts.write',
    } as const;
    const { batchID, totalCount } = parse(createBatchResponseSchema, await this.#request(spec, options));
    return { batchID, totalCount };
  }

  /**
   * GET /batches/{id}/items: whether the batch settled and, once it has, what became of each
   * contact. A batch Omnisend no longer knows (404) is settled with every contact not reached.
   */
  async getBatchOutcome(batchID: string, options?: RequestOptions): Promise<BatchOutcome> {
    const path = `/batches/${encodeURIComponent(batchID)}/items`;
    let body: unknown;
    try {
      body = await this.#request({ method: 'GET', path, scope: 'contacts.read' }, options);
    } catch (error) {
      if (error instanceof NotFoundError) return missingBatch;
      throw error;
    }
    return batchOutcome(parse(batchSchema, body));
  }

  /**
   * GET /batches?endpoint=contacts: one page of the brand's contact batches, each settled from its
   * entry where the entry says enough – one request for many batches instead of one each.
   */
  async listBatchOutcomes(query: ListBatchesQuery, options?: RequestOptions): Promise<BatchListPage> {
    const spec: RequestSpec = {
      method: 'GET',
      path: '/batches',
      query: { endpoint: 'contacts', ...query },
      scope: 'contacts.read',
    };
    const { batches, paging } = parse(listBatchesResponseSchema, await this.#request(spec, options));
    return {
      batches: batches.map((entry) => ({ batchID: entry.batchID, outcome: listedBatchOutcome(entry) })),
      more: Boolean(paging?.next) && batches.length > 0,
    };
  }

  /** POST /contacts/tags: adds tags to existing contacts; accepted (202) and applied later. */
  async addTags(emails: readonly string[], tags: readonly string[], options?: RequestOptions): Promise<void> {
    await this.#tags('POST', emails, tags, options);
  }

  /** DELETE /contacts/tags: removes tags; accepted (202) and applied later. */
  async removeTags(
    emails: readonly string[],
    tags: readonly string[],
    options?: RequestOptions,
  ): Promise<void> {
    await this.#tags('DELETE', emails, tags, options);
  }

  /** GET /contacts?email=…: the contact with that email identifier, or null. Emails are case-sensitive. */
  async findContactByEmail(email: string, options?: RequestOptions): Promise<ContactResponse | null> {
    const spec: RequestSpec = { method: 'GET', path: '/contacts', query: { email }, scope: 'contacts.read' };
    const { contacts } = parse(listContactsResponseSchema, await this.#request(spec, options));
    return contacts[0] ?? null;
  }

  /** GET /contacts: one page of the brand's contacts. */
  async listContacts(query: ListContactsQuery, options?: RequestOptions): Promise<ContactPage> {
    const spec: RequestSpec = {
      method: 'GET',
      path: '/contacts',
      query: { ...query },
      scope: 'contacts.read',
    };
    const { contacts, paging } = parse(listContactsResponseSchema, await this.#request(spec, options));
    const after = paging?.cursors?.after ?? null;
    // `hasMore` decides; a cursor without it (or an empty page) must not loop for ever.
    return { contacts, after: paging?.hasMore === true && after && contacts.length > 0 ? after : null };
  }

  async #tags(
    method: 'POST' | 'DELETE',
    emails: readonly string[],
    tags: readonly string[],
    options: RequestOptions | undefined,
  ): Promise<void> {
    checkTagRequest(emails, tags);
    const body = JSON.stringify({ emails, tags });
    await this.#request({ method, path: '/contacts/tags', body, scope: 'contacts.write' }, options);
  }

  /** Sends one request; resolves with the parsed JSON body of a 2xx answer (undefined if none). */
  async #request(spec: RequestSpec, options: RequestOptions | undefined): Promise<unknown> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortReason(signal);
    if (!apiKeyPattern.test(this.#apiKey)) {
      throw new InvalidApiKeyError({
        message:
          'The API key contains characters Omnisend keys never have – paste the key again in Connections.',
      });
    }
    const headers: Record<string, string> = {
      Authorization: `Omnisend-API-Key ${this.#apiKey}`,
      'Omnisend-Version': OMNISEND_API_VERSION,
      Accept: 'application/json',
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    let answer: HttpAnswer;
    try {
      answer = await sendHttp(this.#fetch, {
        url: this.#url(spec),
        method: spec.method,
        headers,
        body: spec.body,
        signal,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      throw error.kind === 'timeout'
        ? new TimeoutError({ timeoutMs: this.timeoutMs })
        : new NetworkError({ cause: error.cause });
    }
    if (answer.ok) return answer.body;
    throw errorFromResponse({
      status: answer.status,
      body: answer.body,
      headers: answer.headers,
      scope: spec.scope,
      secrets: [this.#apiKey],
    });
  }

  #url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new UnexpectedResponseError({ cause: result.error });
  return result.data;
}
