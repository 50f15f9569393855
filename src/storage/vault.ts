import { z } from 'zod';
import type { Database } from './open-database.ts';

/**
 * Secrets (API keys, refresh tokens) encrypted at rest with AES-GCM under a key that WebCrypto
 * generates as non-extractable and IndexedDB keeps as a CryptoKey object: no code, ours included,
 * can read the key's bytes, so a copy of the database alone does not reveal the secrets. Each
 * write uses a fresh 96-bit IV, and the secret's id is bound in as additional data so that a record
 * moved to another id fails to decrypt. Only the worker uses this module.
 */
const KEY_ID = '#key';

/** The vault store's key for a secret, for callers that delete it inside a wider transaction. */
export const vaultRecordKey = (id: string) => `secret:${id}`;

/** A secret as stored: the ciphertext and the IV it was made with. */
export const sealedSchema = z.object({
  iv: z.instanceof(Uint8Array).refine((iv) => iv.byteLength === 12),
  data: z.instanceof(ArrayBuffer),
});

export class VaultError extends Error {
  constructor(
    readonly code: 'missing' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export class Vault {
  private key: Promise<CryptoKey> | undefined;

  constructor(
    private readonly db: Database,
    private readonly subtle: SubtleCrypto = globalThis.crypto.subtle,
  ) {}

  private loadKey(): Promise<CryptoKey> {
    this.key ??= (async () => {
      const stored = await this.db.get('vault', KEY_ID);
      if (stored instanceof CryptoKey) return stored;
      if (stored !== undefined) throw new VaultError('tampered', 'The vault key is damaged.');
      const key = await this.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]);
      // `add` fails if another start raced us to it; then use the key that won.
      try {
        await this.db.add('vault', key, KEY_ID);
        return key;
      } catch {
        const winner = await this.db.get('vault', KEY_ID);
        if (winner instanceof CryptoKey) return winner;
        throw new VaultError('tampered', 'The vault key could not be stored.');
      }
    })();
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }

  /** Forgets the cached key, after "Delete all data" removed it, so the next write makes a new one. */
  forgetKey(): void {
    this.key = undefined;
  }

  async put(id: string, plaintext: string): Promise<void> {
    const key = await this.loadKey();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await this.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
      key,
      new TextEncoder().encode(plaintext),
    );
    await this.db.put('vault', { iv, data }, vaultRecordKey(id));
  }

  async get(id: string): Promise<string> {
    const key = await this.loadKey();
    const stored = await this.db.get('vault', vaultRecordKey(id));
    if (stored === undefined) throw new VaultError('missing', 'The secret is not in the vault.');
    const sealed = sealedSchema.safeParse(stored);
    if (!sealed.success) throw new VaultError('tampered', 'A secret in the vault is damaged.');
    try {
      const plain = await this.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.data.iv, additionalData: new TextEncoder().encode(id) },
        key,
        sealed.data.data,
      );
      return new TextDecoder().decode(plain);
    } catch {
      throw new VaultError('tampered', 'A secret in the vault was changed and cannot be decrypted.');
    }
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('vault', vaultRecordKey(id));
  }

  async has(id: string): Promise<boolean> {
    return (await this.db.getKey('vault', vaultRecordKey(id))) !== undefined;
  }
}

/** What the UI may show of a secret: its last four characters. */
export function secretHint(secret: string): string {
  return `••••${secret.slice(-4)}`;
}
