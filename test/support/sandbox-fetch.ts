import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { SANDBOX_HOSTS, serverNameFor, throwawayCertificate } from './tls.ts';

/**
 * A `fetch` for Node tests that delivers requests addressed to the real host names to a local
 * sandbox on 127.0.0.1:`port`, over TLS verified against the throwaway certificate (SNI and Host
 * name the real host). It behaves like fetch where a client can tell: an abort rejects with the
 * signal's reason; a dropped connection, or a host this fetch does not reach, rejects with a
 * TypeError. Unlike fetch it never follows redirects (as `redirect: 'manual'`, but the 3xx and its
 * Location stay readable), and it keeps connections alive as browsers do.
 */

export interface SandboxFetch {
  fetch: typeof fetch;
  /** Closes the kept-alive connections. */
  close(): void;
}

export interface SandboxFetchOptions {
  /** The host names it reaches; default every sandbox host (tls.ts). */
  hosts?: readonly string[];
  /** The certificate to trust; default the throwaway certificate of this process. */
  ca?: string;
}

// Statuses whose Response must have no body (the Fetch standard's "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function sandboxFetch(port: number, options: SandboxFetchOptions = {}): SandboxFetch {
  const hosts = options.hosts ?? SANDBOX_HOSTS;
  // Keep-alive as browsers do; idle sockets close before the server's keep-alive timeout.
  const agent = new Agent({
    keepAlive: true,
    ca: options.ca ?? throwawayCertificate().cert,
    timeout: 30_000,
  });

  const sandboxFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const incoming = input instanceof Request ? input : undefined;
    const url = new URL(incoming ? incoming.url : String(input));
    const signal = init?.signal ?? incoming?.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    if (url.protocol !== 'https:' || !hosts.includes(url.hostname)) {
      throw new TypeError('fetch failed', {
        cause: new Error(`the sandbox fetch only reaches https://${hosts.join(', https://')}`),
      });
    }
    const method = (init?.method ?? incoming?.method ?? 'GET').toUpperCase();
    const headers = new Headers(incoming?.headers);
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
    const body = await bodyBytes(
      init?.body ?? (incoming && incoming.body !== null ? incoming : undefined),
      headers,
    );

    return new Promise<Response>((resolve, reject) => {
      const outgoing = request({
        agent,
        host: '127.0.0.1',
        port,
        servername: serverNameFor(url.hostname),
        method,
        path: `${url.pathname}${url.search}`,
        headers: {
          ...Object.fromEntries(headers),
          host: url.host,
          ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        },
      });
      const onAbort = () => {
        outgoing.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      outgoing.on('error', (cause) => {
        settle();
        reject(new TypeError('fetch failed', { cause }));
      });
      outgoing.on('response', (incomingResponse) => {
        const chunks: Buffer[] = [];
        incomingResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
        incomingResponse.on('error', (cause) => {
          settle();
          reject(new TypeError('fetch failed', { cause }));
        });
        incomingResponse.on('end', () => {
          settle();
          const status = incomingResponse.statusCode ?? 0;
          const response = new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
            status,
            statusText: incomingResponse.statusMessage ?? '',
            headers: toHeaders(incomingResponse.headers),
          });
          Object.defineProperty(response, 'url', { value: url.href });
          resolve(response);
        });
      });
      outgoing.end(body);
    });
  };

  return { fetch: sandboxFetch as typeof fetch, close: () => agent.destroy() };
}

/** Any body fetch accepts, as bytes; sets the content type fetch would infer. */
async function bodyBytes(
  body: BodyInit | Request | undefined,
  headers: Headers,
): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  const carrier =
    body instanceof Request ? body : new Request('https://body.invalid/', { method: 'POST', body });
  const type = carrier.headers.get('content-type');
  if (type && !headers.has('content-type')) headers.set('content-type', type);
  return Buffer.from(await carrier.arrayBuffer());
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}
