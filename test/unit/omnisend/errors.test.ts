import { describe, expect, it } from 'vitest';
import { errorDataSchema } from '../../../src/messaging/protocol.ts';
import {
  errorFromResponse,
  failureInfoOf,
  InvalidApiKeyError,
  InvalidRequestError,
  LocalValidationError,
  MissingPermissionError,
  NetworkError,
  NotFoundError,
  OmnisendError,
  parseProblem,
  RateLimitedError,
  RequestRejectedError,
  ServerError,
  TimeoutError,
  toErrorData,
  UnexpectedResponseError,
  VersionRetiredError,
} from '../../../src/omnisend/errors.ts';

type ErrorClass = new (...args: never[]) => OmnisendError;

const instance = 'urn:omnisend:request:1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const problemBody = (status: number, extra: Record<string, unknown> = {}) => ({
  type: 'https://problems.omnisend.com/problem',
  title: 'Problem',
  status,
  detail: 'A human-readable explanation of the error.',
  instance,
  ...extra,
});

describe('errorFromResponse', () => {
  const cases: [number, ErrorClass, string, boolean][] = [
    [400, InvalidRequestError, 'omnisend.invalid-request', false],
    [401, InvalidApiKeyError, 'omnisend.invalid-api-key', false],
    [403, MissingPermissionError, 'omnisend.missing-permission', false],
    [404, NotFoundError, 'omnisend.not-found', false],
    [408, TimeoutError, 'omnisend.timeout', true],
    [409, RequestRejectedError, 'omnisend.request-rejected', false],
    [410, VersionRetiredError, 'omnisend.version-retired', false],
    [422, InvalidRequestError, 'omnisend.invalid-request', false],
    [429, RateLimitedError, 'omnisend.rate-limited', true],
    [500, ServerError, 'omnisend.server-error', true],
    [502, ServerError, 'omnisend.server-error', true],
    [503, ServerError, 'omnisend.server-error', true],
  ];

  it.each(cases)('turns a %i problem into its typed error', (status, type, code, retryable) => {
    const error = errorFromResponse({ status, body: problemBody(status) });
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(OmnisendError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.requestId).toBe(instance);
    expect(error.message).toMatch(/–/);
  });

  it.each([
    ['no body', undefined],
    ['a text body', 'Bad Gateway'],
    ['an array', [1, 2]],
    ['null', null],
    [
      'fields of the wrong type',
      { instance: 42, detail: {}, errors: 'many', retryAfter: 'soon', status: 'x' },
    ],
  ])('still types an error whose body has %s', (_name, body) => {
    for (const status of [400, 401, 403, 404, 429, 500]) {
      const error = errorFromResponse({ status, body });
      expect(error.status).toBe(status);
      expect(error.requestId).toBeUndefined();
      expect(error.message.length).toBeGreaterThan(20);
    }
  });

  it('lists the failing fields of a 400', () => {
    const error = errorFromResponse({
      status: 400,
      body: problemBody(400, {
        type: 'https://problems.omnisend.com/validation-failed',
        errors: [
          { field: 'identifiers.0.id', code: 'invalid_format', message: 'Must be a valid email address' },
          { field: 'birthdate', code: 'invalid_format' },
          'not an object',
        ],
      }),
    });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).fieldErrors).toEqual([
      { field: 'identifiers.0.id', code: 'invalid_format', message: 'Must be a valid email address' },
      { field: 'birthdate', code: 'invalid_format', message: '' },
    ]);
    expect(error.message).toContain('identifiers.0.id: Must be a valid email address');
    expect(error.message).toContain('birthdate: invalid_format');
  });

  it('names the permission a 403 is missing when the operation knows it', () => {
    const error = errorFromResponse({ status: 403, body: problemBody(403), scope: 'contacts.write' });
    expect((error as MissingPermissionError).scope).toBe('contacts.write');
    expect(error.message).toContain('contacts.write');
    const unknown = errorFromResponse({ status: 403, body: undefined });
    expect((unknown as MissingPermissionError).scope).toBeUndefined();
  });

  it('tells the user to paste a new key after a 401', () => {
    const error = errorFromResponse({
      status: 401,
      body: { title: 'Unauthorized', detail: 'Invalid API key.' },
    });
    expect(error.message).toBe('Omnisend rejected the API key – paste a new key in Connections.');
  });

  it('takes the wait of a 429 from the body first, then the Retry-After header', () => {
    const headers = new Headers({ 'Retry-After': '9' });
    const fromBody = errorFromResponse({ status: 429, body: problemBody(429, { retryAfter: 30 }), headers });
    expect(fromBody.retryAfterMs).toBe(30_000);
    expect(fromBody.message).toContain('30 s');
    const fromText = errorFromResponse({ status: 429, body: problemBody(429, { retryAfter: '12' }) });
    expect(fromText.retryAfterMs).toBe(12_000);
    const fromHeader = errorFromResponse({ status: 429, body: problemBody(429), headers });
    expect(fromHeader.retryAfterMs).toBe(9000);
    const fromDate = errorFromResponse({
      status: 429,
      body: undefined,
      headers: new Headers({ 'Retry-After': 'Wed, 21 Oct 2026 07:28:05 GMT' }),
      now: Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'),
    });
    expect(fromDate.retryAfterMs).toBe(5000);
    const none = errorFromResponse({ status: 429, body: problemBody(429) });
    expect(none.retryAfterMs).toBeUndefined();
    expect(none.message).toContain('a minute');
  });

  it('never repeats a secret the server echoed', () => {
    const key = 'sk-live-0123456789abcdef';
    const error = errorFromResponse({
      status: 400,
      body: problemBody(400, {
        detail: `Key ${key} bad`,
        errors: [{ field: 'x', code: 'y', message: `not ${key}` }],
      }),
      secrets: [key],
    });
    expect(error.message).not.toContain(key);
    expect(JSON.stringify((error as InvalidRequestError).fieldErrors)).not.toContain(key);
    const rejected = errorFromResponse({
      status: 409,
      body: problemBody(409, { detail: key }),
      secrets: [key],
    });
    expect(rejected.message).not.toContain(key);
  });
});

describe('parseProblem', () => {
  it('reads every documented field', () => {
    expect(parseProblem(problemBody(429, { retryAfter: 60 }))).toEqual({
      type: 'https://problems.omnisend.com/problem',
      title: 'Problem',
      status: 429,
      detail: 'A human-readable explanation of the error.',
      instance,
      errors: [],
      retryAfter: 60,
    });
  });

  it('ignores a negative retryAfter', () => {
    expect(parseProblem({ retryAfter: -5 }).retryAfter).toBeUndefined();
  });
});

describe('errors as data', () => {
  const samples: OmnisendError[] = [
    new InvalidApiKeyError({ status: 401, requestId: instance }),
    new MissingPermissionError({ status: 403, scope: 'brands.read' }),
    new InvalidRequestError({ status: 400, fieldErrors: [{ field: 'a', code: 'b', message: 'c' }] }),
    new NotFoundError({ status: 404 }),
    new RateLimitedError({ status: 429, retryAfterMs: 2000, requestId: instance }),
    new VersionRetiredError({ status: 410 }),
    new ServerError({ status: 500 }),
    new RequestRejectedError({ status: 409 }),
    new NetworkError(),
    new TimeoutError({ timeoutMs: 10_000 }),
    new UnexpectedResponseError(),
    new LocalValidationError({ reason: 'too-many-items', detail: 'too many' }),
  ];

  it.each(samples.map((e) => [e.code, e] as const))(
    'carries %s across a message boundary as data',
    (_code, error) => {
      const data = toErrorData(error);
      expect(errorDataSchema.parse(data)).toEqual(data);
      expect(JSON.parse(JSON.stringify(data))).toEqual(data);
      // A code and its parameters, never the English sentence: the page words it.
      expect(data).not.toHaveProperty('message');
      expect(data).toEqual({
        code: error.code,
        ...(Object.keys(error.params).length === 0 ? {} : { params: error.params }),
        retryable: error.retryable,
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      });
    },
  );

  it('hides the text of errors that are not Omnisend errors', () => {
    const data = toErrorData(new Error('secret detail Omnisend-API-Key abc'));
    expect(data.code).toBe('omnisend.unknown');
    expect(data.retryable).toBe(false);
    expect(JSON.stringify(data)).not.toContain('abc');
  });
});

describe('failureInfoOf', () => {
  it('maps every error to the retry policy’s descriptor', () => {
    expect(failureInfoOf(new RateLimitedError({ retryAfterMs: 3000 }))).toEqual({
      kind: 'rate-limited',
      retryAfterMs: 3000,
    });
    expect(failureInfoOf(new RateLimitedError())).toEqual({ kind: 'rate-limited' });
    expect(failureInfoOf(new ServerError({ status: 503 }))).toEqual({ kind: 'server' });
    expect(failureInfoOf(new NetworkError())).toEqual({ kind: 'network' });
    expect(failureInfoOf(new TimeoutError())).toEqual({ kind: 'timeout' });
    expect(failureInfoOf(new InvalidApiKeyError())).toEqual({ kind: 'client' });
    expect(failureInfoOf(new UnexpectedResponseError())).toEqual({ kind: 'client' });
    expect(failureInfoOf(new TypeError('boom'))).toEqual({ kind: 'client' });
  });
});
