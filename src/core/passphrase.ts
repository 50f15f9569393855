/**
 * The administrator passphrase never is stored: it derives, with PBKDF2-SHA-256 at OWASP's
 * recommended 600,000 iterations (Password Storage Cheat Sheet), the key that wraps the vault key
 * (Bitwarden's model: the master password derives the key that protects the key of the vault), so
 * a copied profile cannot be brute-forced cheaply and holds no key without the passphrase.
 * WebCrypto only, which the service worker and Node both provide.
 */
export const PBKDF2_ITERATIONS = 600_000;

/** The vault key as stored while a passphrase is set: AES-GCM-encrypted under the derived key. */
export interface WrappedVaultKey {
  form: 'passphrase';
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  wrapped: ArrayBuffer;
  /** SHA-256 over a label and the vault key: recognises the key again, reveals nothing of it. */
  check: ArrayBuffer;
}

/** A passphrase hash as versions before the wrapped vault key stored it (settings/adminPassphrase). */
export interface LegacyPassphraseHash {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  hash: string;
}

const VAULT_KEY_LABEL = new TextEncoder().encode('segment-export vault key');

/** WebCrypto's key type, named without the DOM library (src/core is typechecked without it). */
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function passphraseMaterial(passphrase: string): Promise<WebCryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveBits',
    'deriveKey',
  ]);
}

function pbkdf2(salt: Uint8Array<ArrayBuffer>, iterations: number) {
  return { name: 'PBKDF2', hash: 'SHA-256', salt, iterations };
}

async function wrappingKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<WebCryptoKey> {
  return crypto.subtle.deriveKey(
    pbkdf2(salt, iterations),
    await passphraseMaterial(passphrase),
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** 32 random bytes: a new vault key. */
export function newVaultKeyBytes(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** The vault key's bytes as the AES-GCM key that seals secrets; it cannot be exported again. */
export function importVaultKey(raw: Uint8Array<ArrayBuffer>): Promise<WebCryptoKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function vaultKeyCheck(raw: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const labelled = new Uint8Array(VAULT_KEY_LABEL.length + raw.length);
  labelled.set(VAULT_KEY_LABEL);
  labelled.set(raw, VAULT_KEY_LABEL.length);
  return crypto.subtle.digest('SHA-256', labelled);
}

/** Compares every byte, so the time taken does not tell how much matched. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export async function isVaultKey(raw: Uint8Array<ArrayBuffer>, wrapped: WrappedVaultKey): Promise<boolean> {
  return sameBytes(new Uint8Array(await vaultKeyCheck(raw)), new Uint8Array(wrapped.check));
}

export async function wrapVaultKey(
  raw: Uint8Array<ArrayBuffer>,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<WrappedVaultKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: VAULT_KEY_LABEL },
    await wrappingKey(passphrase, salt, iterations),
    raw,
  );
  return {
    form: 'passphrase',
    kdf: 'PBKDF2-SHA-256',
    iterations,
    salt,
    iv,
    wrapped,
    check: await vaultKeyCheck(raw),
  };
}

/** The vault key's bytes, or null when the passphrase is not the one it was wrapped with. */
export async function unwrapVaultKey(
  wrapped: WrappedVaultKey,
  passphrase: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    const raw = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: wrapped.iv, additionalData: VAULT_KEY_LABEL },
      await wrappingKey(passphrase, wrapped.salt, wrapped.iterations),
      wrapped.wrapped,
    );
    return new Uint8Array(raw);
  } catch {
    return null;
  }
}

/** Checks a passphrase against a hash stored by an earlier version, to move it to a wrapped key. */
export async function verifyLegacyPassphrase(
  passphrase: string,
  stored: LegacyPassphraseHash,
): Promise<boolean> {
  const bits = await crypto.subtle.deriveBits(
    pbkdf2(fromBase64(stored.salt), stored.iterations),
    await passphraseMaterial(passphrase),
    256,
  );
  return sameBytes(new Uint8Array(bits), fromBase64(stored.hash));
}
