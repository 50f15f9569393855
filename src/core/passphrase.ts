/**
 * The administrator passphrase is kept only as a slow, salted hash: PBKDF2-SHA-256 with OWASP's
 * 2023 recommendation of 600,000 iterations, so a copied profile cannot be brute-forced cheaply.
 * Uses WebCrypto, which the service worker and Node both provide.
 */
export const PBKDF2_ITERATIONS = 600_000;

export interface PassphraseHash {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  hash: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPassphrase(
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<PassphraseHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(passphrase, salt, iterations);
  return { algorithm: 'PBKDF2-SHA-256', iterations, salt: toBase64(salt), hash: toBase64(hash) };
}

export async function verifyPassphrase(passphrase: string, stored: PassphraseHash): Promise<boolean> {
  const expected = fromBase64(stored.hash);
  const actual = await derive(passphrase, fromBase64(stored.salt), stored.iterations);
  // Compare every byte so that the time taken does not tell how much of a guess was right.
  let difference = expected.length ^ actual.length;
  for (let i = 0; i < expected.length; i++) difference |= (expected[i] ?? 0) ^ (actual[i] ?? 0);
  return difference === 0;
}
