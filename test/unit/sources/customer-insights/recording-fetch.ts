/** A request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** A `fetch` that answers from `handler` and remembers every request. */
export function recordingFetch(handler: (request: SeenRequest) => Response | Promise<Response>): {
  fetch: typeof fetch;
  requests: SeenRequest[];
} {
  const requests: SeenRequest[] = [];
  const implementation = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request: SeenRequest = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    requests.push(request);
    if (init?.signal?.aborted) throw init.signal.reason;
    return handler(request);
  };
  return { fetch: implementation as typeof fetch, requests };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
