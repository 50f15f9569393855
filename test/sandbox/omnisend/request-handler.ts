import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody } from '../../support/read-body.ts';
import type { SandboxKey } from './brands.ts';
import { API_PREFIX } from './contract.ts';
import type { FaultState } from './faults.ts';
import { gatewayErrorPage, newInstance, problems, type Reply } from './problems.ts';
import { type RateClass, rateClassOf, retryAfterSeconds, type SlidingWindowLimiter } from './rate-limiter.ts';
import type { Route, RouteContext, SandboxServices } from './routes.ts';

/**
 * One request's way through the sandbox, in the order Omnisend's gateway and API would take it:
 *
 *   drop? ─ latency ─ route exists? ─ contract check (recorded) ─ 401 auth ─ 429 rate limit
 *     ─ 400/410 version ─ 400 contract ─ 403 scope ─ 5xx fault? ─ route ─ drop / 5xx after effect?
 *
 * Only authenticated requests count against a brand's budget; refused ones (429) take no slot.
 */

export const SUPPORTED_VERSION = '2026-03-15';

export interface RequestHandlerOptions {
  services: SandboxServices;
  routes: Record<string, Route>;
  faults: FaultState;
  limiter(brandId: string, rateClass: RateClass): SlidingWindowLimiter;
  retiredVersions: ReadonlySet<string>;
  maxBodyBytes: number;
}

interface Decision {
  reply: Reply;
  operation?: string;
  brandId?: string;
  /** The route ran: whatever the request asked for has happened. */
  tookEffect: boolean;
}

/** The server's request listener, and how many requests it is working on right now. */
export function createRequestHandler(options: RequestHandlerOptions) {
  let inFlight = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    handle(options, req, res)
      .catch((error: unknown) => {
        console.error('Omnisend sandbox failed on a request', error);
        if (!res.headersSent) write(res, problems.internal(newInstance()));
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
      });
  };
  return { listener, inFlight: () => inFlight };
}

async function handle(
  options: RequestHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const time = Date.now();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'https://api.omnisend.com');
  const { faults, services } = options;
  const logAs = (status: number, decision?: Decision) =>
    services.log.answered({
      time,
      method,
      path: url.pathname,
      operation: decision?.operation,
      status,
      brandId: decision?.brandId,
    });

  let rawBody: string;
  try {
    rawBody = await readBody(req, options.maxBodyBytes);
  } catch {
    write(res, problems.payloadTooLarge(newInstance()), { connection: 'close' });
    logAs(413);
    return;
  }
  if (faults.drop(false)) {
    req.socket.destroy();
    logAs(0);
    return;
  }
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);

  const decision = decide(options, req, url, rawBody);
  if (decision.tookEffect && faults.drop(true)) {
    req.socket.destroy();
    logAs(0, decision);
    return;
  }
  const lateError = decision.tookEffect ? faults.serverError(true) : undefined;
  const reply = lateError ? serverErrorReply(lateError) : decision.reply;
  write(res, reply);
  logAs(reply.status, decision);
}

function decide(options: RequestHandlerOptions, req: IncomingMessage, url: URL, rawBody: string): Decision {
  const { services, faults } = options;
  const instance = newInstance();
  const now = Date.now();
  const method = req.method ?? 'GET';
  const path = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : undefined;
  const match = path === undefined ? undefined : services.contract.match(method, path);

  if (!match?.found) {
    services.log.violations.push({
      time: now,
      method,
      path: url.pathname,
      operation: undefined,
      source: 'request',
      errors: [
        { field: 'path', code: 'unknown_operation', message: `${method} ${url.pathname} is not documented` },
      ],
    });
    const reply =
      match?.status === 405
        ? problems.methodNotAllowed(instance, method)
        : problems.notFound(instance, 'Resource');
    return { reply, tookEffect: false };
  }

  const { operation, pathParams } = match;
  const contract = services.contract.check(operation, pathParams, {
    query: url.searchParams,
    headers: req.headers,
    rawBody,
  });
  if (contract.errors.length > 0) {
    services.log.violations.push({
      time: now,
      method,
      path: url.pathname,
      operation: operation.key,
      source: 'request',
      errors: contract.errors,
    });
  }
  const refuse = (reply: Reply, brandId?: string): Decision => ({
    reply,
    operation: operation.key,
    ...(brandId === undefined ? {} : { brandId }),
    tookEffect: false,
  });

  const key = authenticate(options, req.headers.authorization);
  if (!key) return refuse(problems.unauthorized(instance));
  const brandId = key.brandId;

  const rateClass = rateClassOf(operation.template);
  services.log.arrived(brandId, rateClass, now);
  const stormRetryAfter = faults.storm();
  if (stormRetryAfter !== undefined) return refuse(problems.rateLimited(instance, stormRetryAfter), brandId);
  const admission = options.limiter(brandId, rateClass).admit(now);
  if (!admission.admitted) {
    return refuse(problems.rateLimited(instance, retryAfterSeconds(admission.retryAfterMs)), brandId);
  }

  const version = req.headers['omnisend-version'];
  if (typeof version === 'string' && options.retiredVersions.has(version)) {
    return refuse(problems.versionRetired(instance, version), brandId);
  }
  if (version !== undefined && version !== SUPPORTED_VERSION) {
    const message = `Unsupported API version; use ${SUPPORTED_VERSION}`;
    return refuse(
      problems.validationFailed(instance, [
        { field: 'header.Omnisend-Version', code: 'invalid_value', message },
      ]),
      brandId,
    );
  }
  if (contract.errors.length > 0)
    return refuse(problems.validationFailed(instance, contract.errors), brandId);

  const route = options.routes[operation.key];
  if (!route) return refuse(problems.methodNotAllowed(instance, method), brandId);
  const context: RouteContext = {
    services,
    brand: services.registry.brand(brandId),
    pathParams,
    query: url.searchParams,
    json: contract.json,
    instance,
    now,
  };
  const scope = route.scope(context);
  if (!key.scopes.includes(scope)) return refuse(problems.forbidden(instance, scope), brandId);

  const earlyError = faults.serverError(false);
  if (earlyError) return refuse(serverErrorReply(earlyError, instance), brandId);

  return { reply: route.handle(context), operation: operation.key, brandId, tookEffect: true };
}

/** The key of a valid `Authorization` header; counts down a pending `revokeKeyAfter`. */
function authenticate(
  options: RequestHandlerOptions,
  authorization: string | undefined,
): SandboxKey | undefined {
  const key = options.services.registry.keyOf(authorization);
  if (!key || key.revoked) return undefined;
  const left = options.faults.revokeAfter.get(key.key);
  if (left === undefined) return key;
  if (left <= 0) {
    options.faults.revokeAfter.delete(key.key);
    options.services.registry.revoke(key.key);
    return undefined;
  }
  options.faults.revokeAfter.set(key.key, left - 1);
  return key;
}

function serverErrorReply(status: 500 | 502 | 503, instance = newInstance()): Reply {
  return status === 500 ? problems.internal(instance) : gatewayErrorPage(status);
}

/** Problem bodies go out as application/json, the media type the documents declare. */
function write(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (reply.text) {
    res.writeHead(reply.status, {
      'content-type': reply.text.contentType,
      'content-length': Buffer.byteLength(reply.text.content),
      ...headers,
    });
    res.end(reply.text.content);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'content-length': 0, ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
