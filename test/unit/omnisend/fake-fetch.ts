/** A request as the fake Omnisend saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  rawBody: string | undefined;
  signal: AbortSignal | undefined;
}

export type Handler = (request: SeenRequest) => Response | Promise<Response>;

/** A `fetch` that answers from `handler` and remembers every request. */
export function fakeFetch(handler: Handler): { fetch: typeof fetch; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const rawBody = typeof init?.body === 'string' ? init.body : undefined;
    const request: SeenRequest = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      body: rawBody === undefined ? undefined : (JSON.parse(rawBody) as unknown),
      rawBody,
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    if (request.signal?.aborted) throw request.signal.reason;
    return handler(request);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function problem(status: number, extra: Record<string, unknown> = {}): Response {
  return json(status, {
    type: 'https://problems.omnisend.com/problem',
    title: 'Problem',
    status,
    detail: 'Something is wrong.',
    instance: `urn:omnisend:request:${status}-0000`,
    ...extra,
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

export const brand = {
  brandID: '5f92cbf10cf217478ba93561',
  name: 'Acme',
  website: 'https://acme.example',
  currency: 'EUR',
  timezone: 'Europe/Vilnius',
  platform: 'api',
  version: '2',
  connected: true,
};
