import { Agent, request } from 'node:https';
import { SANDBOX_HOSTS, throwawayCertificate } from './tls.ts';

// Statuses whose Response must have no body (the Fetch standard's "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface SandboxFetch {
  fetch: typeof fetch;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * A `fetch` for Node tests that sends every `https://<host>/…` request to a local sandbox on
 * 127.0.0.1:`port`, with the real host in the Host header and SNI, and the throwaway certificate
 * trusted as the CA – so TLS is verified as the browser would. It never follows redirects (as
 * `redirect: 'manual'`, but the 3xx and its Location are readable), honours `signal`, and keeps
 * connections alive so that long reads stay fast.
 */
export function sandboxFetch(port: number): SandboxFetch {
  const ca = throwawayCertificate().cert;
  const agent = new Agent({ keepAlive: true, ca });
  const implementation = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return Promise.reject(new TypeError(`sandboxFetch: ${url} is not https`));
    const headers = new Headers(init.headers);
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (init.body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    const servername = (SANDBOX_HOSTS as readonly string[]).includes(url.hostname)
      ? url.hostname
      : 'localhost';
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const outgoing: Record<string, string> = { host: url.host };
      headers.forEach((value, name) => {
        outgoing[name] = value;
      });
      const req = request(
        {
          host: '127.0.0.1',
          port,
          servername,
          agent,
          method: init.method ?? 'GET',
          path: `${url.pathname}${url.search}`,
          headers: outgoing,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            const status = res.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
            }
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      const onAbort = () => {
        req.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      req.end(body);
    });
  };
  return { fetch: implementation as typeof fetch, close: () => agent.destroy() };
}
