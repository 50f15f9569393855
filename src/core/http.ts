import { abortReason } from './clock.ts';

/**
 * The one HTTP layer both APIs' clients send through (Omnisend, the Customer Insights Data API):
 * the injected `fetch`, a timeout over the whole answer, the caller's abort signal, JSON bodies,
 * and transport failures told apart from answers. What a status means stays with each client.
 */

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string | undefined;
  /** The caller's abort: the request then rejects with the signal's reason, as it is. */
  signal?: AbortSignal | undefined;
  /** Covers the body too: a server that sends headers and then stalls gave no answer. */
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  /** 2xx. */
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as JSON; undefined when there was none or it was not JSON (a proxy's HTML page). */
  body: unknown;
}

/** The request got no answer: it ran out of time, or the network failed. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(kind === 'timeout' ? `No answer within ${timeoutMs} ms.` : 'The request got no answer.', {
      cause,
    });
    this.name = 'TransportError';
  }
}

export async function sendHttp(fetchFn: typeof fetch, request: HttpRequest): Promise<HttpAnswer> {
  const outer = request.signal;
  if (outer?.aborted) throw abortReason(outer);
  const controller = new AbortController();
  let timedOut = false;
  // A safety net against a stalled connection, not scheduled work, hence a plain timer.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    // Called as a plain function: a browser's fetch throws "Illegal invocation" when called as a
    // method of another object.
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      ok: response.status >= 200 && response.status <= 299,
      headers: response.headers,
      body: parseJson(text),
    };
  } catch (cause) {
    if (outer?.aborted) throw abortReason(outer);
    throw new TransportError(timedOut ? 'timeout' : 'network', request.timeoutMs, cause);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
