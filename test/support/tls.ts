import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  key: string;
  cert: string;
}

// The real host names the extension talks to; the local sandboxes answer for all of them.
export const SANDBOX_HOSTS = [
  'api.omnisend.com',
  'home.ci.ai.dynamics.com',
  'api.ci.ai.dynamics.com',
  'login.microsoftonline.com',
  'localhost',
] as const;

/**
 * The TLS server name to ask for when reaching `host` in a sandbox: the host itself where the
 * certificate names it, else localhost (a sandboxed Dataverse organisation, whose names vary).
 */
export function serverNameFor(host: string): string {
  return (SANDBOX_HOSTS as readonly string[]).includes(host) ? host : 'localhost';
}

let cached: Certificate | undefined;

/** A throwaway self-signed certificate for the sandboxes, made once per process with openssl. */
export function throwawayCertificate(): Certificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'sefo-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const san = SANDBOX_HOSTS.map((h) => `DNS:${h}`).join(',');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost'].concat([
        '-addext',
        `subjectAltName=${san},IP:127.0.0.1`,
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ]),
      { stdio: 'ignore' },
    );
    cached = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
