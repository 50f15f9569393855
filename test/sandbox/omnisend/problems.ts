import { randomUUID } from 'node:crypto';

/** What a route answers; the server writes it (or a fault replaces it). */
export interface Reply {
  status: number;
  /** JSON body; absent for bodiless answers such as 202 on /contacts/tags. */
  body?: unknown;
  /** A non-JSON body (a gateway error page). */
  text?: { contentType: string; content: string };
}

/** `FieldError` of the OpenAPI documents: dot-separated field path, code, message. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  retryAfter?: number;
}

/** The trace id Omnisend puts in `instance` of every problem (omnisend-api.md §7.1). */
export function newInstance(): string {
  return `urn:omnisend:request:${randomUUID()}`;
}

function problemBody(
  status: number,
  slug: string,
  title: string,
  detail: string,
  instance: string,
  extra: Pick<ProblemBody, 'errors' | 'retryAfter'> = {},
): ProblemBody {
  return { type: `https://problems.omnisend.com/${slug}`, title, status, detail, instance, ...extra };
}

function problem(...args: Parameters<typeof problemBody>): Reply {
  return { status: args[0], body: problemBody(...args) };
}

/** The 400 body, also used as the `response` of a rejected batch item. */
export function validationFailedBody(instance: string, errors: FieldError[]): ProblemBody {
  return problemBody(
    400,
    'validation-failed',
    'Validation failed',
    'One or more fields are invalid.',
    instance,
    {
      errors,
    },
  );
}

export const problems = {
  validationFailed: (instance: string, errors: FieldError[]): Reply => ({
    status: 400,
    body: validationFailedBody(instance, errors),
  }),
  unauthorized: (instance: string): Reply =>
    problem(401, 'unauthorized', 'Unauthorized', 'Authentication is missing or invalid.', instance),
  forbidden: (instance: string, scope: string): Reply =>
    problem(
      403,
      'forbidden',
      'Forbidden',
      `Insufficient permissions for this operation: the API key lacks the ${scope} scope.`,
      instance,
    ),
  notFound: (instance: string, what: string): Reply =>
    problem(404, 'not-found', 'Not found', `${what} was not found.`, instance),
  methodNotAllowed: (instance: string, method: string): Reply =>
    problem(
      405,
      'method-not-allowed',
      'Method not allowed',
      `${method} is not allowed on this path.`,
      instance,
    ),
  conflict: (instance: string, detail: string): Reply =>
    problem(409, 'conflict', 'Conflict', detail, instance),
  versionRetired: (instance: string, version: string): Reply =>
    problem(410, 'api-version-retired', 'Gone', `API version ${version} has been retired.`, instance),
  payloadTooLarge: (instance: string): Reply =>
    problem(413, 'payload-too-large', 'Payload too large', 'The request body is too large.', instance),
  rateLimited: (instance: string, retryAfter: number): Reply =>
    problem(429, 'rate-limit-exceeded', 'Too many requests', 'Rate limit exceeded.', instance, {
      retryAfter,
    }),
  internal: (instance: string): Reply =>
    problem(500, 'internal-server-error', 'Internal server error', 'Unexpected error occurred.', instance),
};

/** What a load balancer in front of the API answers on 502/503: HTML, not a problem body. */
export function gatewayErrorPage(status: 502 | 503): Reply {
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return {
    status,
    text: {
      contentType: 'text/html',
      content: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>\n`,
    },
  };
}
