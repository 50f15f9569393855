/** A request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The body as sent (JSON, or a form for Entra ID), or undefined when there was none. */
  body: string | undefined;
  /** The body parsed as JSON; undefined when there was none or it was not JSON. */
  json: unknown;
  signal: AbortSignal | undefined;
}

export type Handler = (request: SeenRequest) => Response | Promise<Response>;

/** A `fetch` that answers from `handler` and remembers every request, for the API clients' unit tests. */
export function fakeFetch(handler: Handler): { fetch: typeof fetch; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const request: SeenRequest = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      body,
      json: parseJson(body),
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    if (request.signal?.aborted) throw request.signal.reason;
    return handler(request);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** Never answers; fails like a real fetch when its signal aborts. */
export function hang(request: SeenRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true });
  });
}

/** Sends the status line and headers, then stalls the body until the signal aborts. */
export function stallBody(request: SeenRequest): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"brandID":'));
      request.signal?.addEventListener('abort', () => controller.error(request.signal?.reason), {
        once: true,
      });
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/json' } });
}
