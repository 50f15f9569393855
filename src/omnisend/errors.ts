import { z } from 'zod';
import type { CodesOf, ErrorParams } from '../core/error-code.ts';
import { parseRetryAfter } from '../core/retry-after.ts';
import type { FailureInfo, FailureKind } from '../core/retry-policy.ts';

/**
 * Typed errors of the Omnisend client. Omnisend 2026-03-15 answers failures with RFC 9457
 * problem bodies (`type, title, status, detail, instance`, plus `errors[]` on 400 and
 * `retryAfter` on 429 – omnisend-api.md §7). Each class says whether to retry (`retryable`,
 * `kind` for the retry policy) and carries Omnisend's request id (`instance`) for support.
 * `code` and `params` are what crosses to the pages, which word them in the user's language; the
 * English message is for logs and tests. Neither ever contains the API key.
 */

export type OmnisendScope = 'brands.read' | 'contacts.read' | 'contacts.write';

export interface OmnisendErrorInit {
  status?: number;
  requestId?: string;
  /** Replaces the default message. */
  message?: string;
  cause?: unknown;
}

export type OmnisendErrorCode = CodesOf<'omnisend'>;

export class OmnisendError extends Error {
  readonly code: OmnisendErrorCode;
  /** What the page needs to word the error (a status, a wait, Omnisend's own words). */
  readonly params: ErrorParams;
  readonly kind: FailureKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: OmnisendErrorCode,
    kind: FailureKind,
    defaultMessage: string,
    init: OmnisendErrorInit & { retryAfterMs?: number | undefined } = {},
    params: ErrorParams = {},
  ) {
    super(init.message ?? defaultMessage, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.retryable = kind !== 'client';
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.params = params;
  }
}

export class InvalidApiKeyError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    super(
      'omnisend.invalid-api-key',
      'client',
      'Omnisend rejected the API key – paste a new key in Connections.',
      init,
    );
  }
}

const scopeActions: Record<OmnisendScope, string> = {
  'brands.read': 'read brand information',
  'contacts.read': 'read contacts',
  'contacts.write': 'write contacts',
};

export class MissingPermissionError extends OmnisendError {
  readonly scope: OmnisendScope | undefined;

  constructor(init: OmnisendErrorInit & { scope?: OmnisendScope | undefined } = {}) {
    const what =
      init.scope === undefined
        ? 'lacks a permission this action needs'
        : `may not ${scopeActions[init.scope]} (permission ${init.scope})`;
    super(
      'omnisend.missing-permission',
      'client',
      `The Omnisend API key ${what} – create a key with that permission in Omnisend and paste it in Connections.`,
      init,
      init.scope === undefined ? {} : { scope: init.scope },
    );
    this.scope = init.scope;
  }
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class InvalidRequestError extends OmnisendError {
  readonly fieldErrors: readonly FieldError[];

  constructor(init: OmnisendErrorInit & { fieldErrors?: FieldError[]; detail?: string | undefined } = {}) {
    const fieldErrors = init.fieldErrors ?? [];
    const shown = fieldErrors.slice(0, 3).map((e) => `${e.field || '(request)'}: ${e.message || e.code}`);
    if (fieldErrors.length > shown.length) shown.push(`and ${fieldErrors.length - shown.length} more`);
    const reason = shown.length > 0 ? shown.join('; ') : (init.detail ?? 'no reason given');
    super(
      'omnisend.invalid-request',
      'client',
      `Omnisend refused the request as invalid (${reason}) – check the export's field mapping.`,
      init,
      { detail: reason.slice(0, 1_000) },
    );
    this.fieldErrors = fieldErrors;
  }
}

export class NotFoundError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    super(
      'omnisend.not-found',
      'client',
      'Omnisend could not find the requested item – it may have been deleted; run the export again.',
      init,
    );
  }
}

export class RateLimitedError extends OmnisendError {
  constructor(init: OmnisendErrorInit & { retryAfterMs?: number | undefined } = {}) {
    const wait =
      init.retryAfterMs === undefined ? 'a minute' : `${Math.max(1, Math.ceil(init.retryAfterMs / 1000))} s`;
    super(
      'omnisend.rate-limited',
      'rate-limited',
      `Omnisend's rate limit for this brand was reached (other apps may share it) – waiting ${wait} before going on.`,
      init,
      init.retryAfterMs === undefined ? {} : { seconds: Math.max(1, Math.ceil(init.retryAfterMs / 1000)) },
    );
  }
}

export class VersionRetiredError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    super(
      'omnisend.version-retired',
      'client',
      'Omnisend no longer supports the API version this extension uses – update the extension.',
      init,
    );
  }
}

export class ServerError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    const code = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    super(
      'omnisend.server-error',
      'server',
      `Omnisend had a server error${code} – it is retried automatically; if it persists, try again later.`,
      init,
      init.status === undefined ? {} : { status: init.status },
    );
  }
}

/** A 4xx the contract does not single out (409, 422, …): the same request would fail again. */
export class RequestRejectedError extends OmnisendError {
  constructor(init: OmnisendErrorInit & { detail?: string | undefined } = {}) {
    const code =
      init.status === undefined ? '' : ` (HTTP ${init.status}${init.detail ? `: ${init.detail}` : ''})`;
    super(
      'omnisend.request-rejected',
      'client',
      `Omnisend rejected the request${code} – try again later; if it persists, contact support with the request id.`,
      init,
      {
        ...(init.status === undefined ? {} : { status: init.status }),
        ...(init.detail ? { detail: init.detail.slice(0, 1_000) } : {}),
      },
    );
  }
}

export class NetworkError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    super(
      'omnisend.network-error',
      'network',
      'Could not reach Omnisend – check the internet connection; the export retries automatically.',
      init,
    );
  }
}

export class TimeoutError extends OmnisendError {
  constructor(init: OmnisendErrorInit & { timeoutMs?: number } = {}) {
    const within = init.timeoutMs === undefined ? 'in time' : `within ${Math.round(init.timeoutMs / 1000)} s`;
    super(
      'omnisend.timeout',
      'timeout',
      `Omnisend did not answer ${within} – the export retries automatically.`,
      init,
    );
  }
}

export class UnexpectedResponseError extends OmnisendError {
  constructor(init: OmnisendErrorInit = {}) {
    super(
      'omnisend.unexpected-response',
      'client',
      'Omnisend sent an answer this extension does not understand – a network proxy may be in the way, or the extension needs an update.',
      init,
    );
  }
}

export type LocalValidationReason =
  | 'empty-batch'
  | 'too-many-items'
  | 'batch-too-large'
  | 'no-emails'
  | 'too-many-emails'
  | 'no-tags'
  | 'too-many-tags';

/** Refused before sending: the request breaks a documented limit. A bug in the caller, never retried. */
export class LocalValidationError extends OmnisendError {
  readonly reason: LocalValidationReason | undefined;

  constructor(init: OmnisendErrorInit & { reason?: LocalValidationReason; detail?: string } = {}) {
    super(
      'omnisend.local-validation',
      'client',
      `The request breaks an Omnisend limit and was not sent${init.detail ? ` (${init.detail})` : ''}.`,
      init,
    );
    this.reason = init.reason;
  }
}

// --- problem bodies ---------------------------------------------------------------------------

export interface Problem {
  type?: string | undefined;
  title?: string | undefined;
  status?: number | undefined;
  detail?: string | undefined;
  instance?: string | undefined;
  errors: FieldError[];
  /** Seconds, from a 429's RateLimitProblem. */
  retryAfter?: number | undefined;
}

const optionalString = z.string().optional().catch(undefined);
const fieldErrorSchema = z.looseObject({
  field: optionalString,
  code: optionalString,
  message: optionalString,
});
const problemSchema = z.looseObject({
  type: optionalString,
  title: optionalString,
  status: z.number().int().optional().catch(undefined),
  detail: optionalString,
  instance: optionalString,
  errors: z.array(z.unknown()).optional().catch(undefined),
  retryAfter: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(z.number().nonnegative().finite())
    .optional()
    .catch(undefined),
});

/** Reads whatever of a problem body is usable; a malformed or missing body gives an empty problem. */
export function parseProblem(body: unknown): Problem {
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) return { errors: [] };
  const { errors, ...rest } = parsed.data;
  const fieldErrors: FieldError[] = [];
  for (const item of errors ?? []) {
    const e = fieldErrorSchema.safeParse(item);
    if (e.success)
      fieldErrors.push({ field: e.data.field ?? '', code: e.data.code ?? '', message: e.data.message ?? '' });
  }
  return {
    type: rest.type,
    title: rest.title,
    status: rest.status,
    detail: rest.detail,
    instance: rest.instance,
    errors: fieldErrors,
    retryAfter: rest.retryAfter,
  };
}

export interface ErrorResponse {
  status: number;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  headers?: { get(name: string): string | null };
  /** The permission the operation needs, named in a 403's message. */
  scope?: OmnisendScope;
  /** Strings that must not appear in the error (the API key), in case the server echoes them. */
  secrets?: readonly string[];
  now?: number;
}

/** The typed error for a non-2xx answer. */
export function errorFromResponse(response: ErrorResponse): OmnisendError {
  const problem = parseProblem(response.body);
  const scrub = (text: string | undefined) => redact(text, response.secrets ?? []);
  const { status } = response;
  const init: OmnisendErrorInit = { status };
  const requestId = scrub(problem.instance);
  if (requestId) init.requestId = requestId;
  const detail = scrub(problem.detail);

  if (status === 400 || status === 422) {
    const fieldErrors = problem.errors.map((e) => ({
      field: scrub(e.field) ?? '',
      code: scrub(e.code) ?? '',
      message: scrub(e.message) ?? '',
    }));
    return new InvalidRequestError({ ...init, fieldErrors, detail });
  }
  if (status === 401) return new InvalidApiKeyError(init);
  if (status === 403) return new MissingPermissionError({ ...init, scope: response.scope });
  if (status === 404) return new NotFoundError(init);
  if (status === 408) return new TimeoutError(init);
  if (status === 410) return new VersionRetiredError(init);
  if (status === 429) {
    const retryAfterMs =
      problem.retryAfter !== undefined
        ? problem.retryAfter * 1000
        : parseRetryAfter(response.headers?.get('retry-after'), response.now ?? Date.now());
    return new RateLimitedError({ ...init, retryAfterMs });
  }
  if (status >= 500 && status <= 599) return new ServerError(init);
  if (status >= 400 && status <= 499) return new RequestRejectedError({ ...init, detail });
  return new UnexpectedResponseError(init);
}

function redact(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

// --- crossing message boundaries ---------------------------------------------------------------

/** An Omnisend failure as plain data, for a message reply (the protocol's ErrorData). */
export interface OmnisendErrorData {
  code: OmnisendErrorCode;
  params?: ErrorParams;
  retryable: boolean;
  requestId?: string;
}

/** Plain data for a message reply; anything that is not an OmnisendError becomes a generic error. */
export function toErrorData(error: unknown): OmnisendErrorData {
  if (error instanceof OmnisendError) {
    return {
      code: error.code,
      ...(Object.keys(error.params).length === 0 ? {} : { params: error.params }),
      retryable: error.retryable,
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    };
  }
  return { code: 'omnisend.unknown', retryable: false };
}

/** The retry policy's view of a failure. Errors that are not Omnisend's are never retried. */
export function failureInfoOf(error: unknown): FailureInfo {
  if (!(error instanceof OmnisendError)) return { kind: 'client' };
  return error.retryAfterMs === undefined
    ? { kind: error.kind }
    : { kind: error.kind, retryAfterMs: error.retryAfterMs };
}
