/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, which Entra ID requires of public
 * clients such as an extension. WebCrypto exists in the worker and in Node alike; the random bytes
 * are injectable so that tests can reproduce the RFC's example.
 */

export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** 32 random octets give the 43-character verifier RFC 7636 §4.1 recommends. */
export async function createPkce(randomBytes: RandomBytes = cryptoRandomBytes): Promise<Pkce> {
  const verifier = base64Url(randomBytes(32));
  return { verifier, challenge: await codeChallengeS256(verifier) };
}

/** An unguessable `state` that ties the redirect to the request this worker made (RFC 6749 §10.12). */
export function createState(randomBytes: RandomBytes = cryptoRandomBytes): string {
  return base64Url(randomBytes(16));
}
