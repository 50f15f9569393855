import { request } from 'node:https';
import { serverNameFor, throwawayCertificate } from '../../support/tls.ts';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/**
 * Sends a request to the sandbox on 127.0.0.1 as if to `https://<host><path>`: the Host header and
 * SNI name the real host, and the throwaway certificate is trusted as a CA, so TLS is verified.
 * A host the certificate does not cover is sent over a connection verified for localhost.
 */
export function send(
  port: number,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const name = host.replace(/:\d+$/, '');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: serverNameFor(name),
        ca: throwawayCertificate().cert,
        method: init.method ?? 'GET',
        path,
        headers: { host, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
