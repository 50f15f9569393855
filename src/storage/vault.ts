import { z } from 'zod';
import type { WrappedVaultKey } from '../core/passphrase.ts';
import type { Database } from './open-database.ts';
import { LEGACY_PASSPHRASE_KEY } from './settings.ts';

/**
 * Secrets (API keys, subscription keys, refresh tokens), encrypted at rest with AES-GCM: a fresh
 * 96-bit IV per write, the secret's id bound in as additional data so a record moved to another id
 * fails to decrypt. Only the worker uses this module.
 *
 * Which key seals a secret:
 * - the **vault key**, for every secret whose owner does not allow runs while locked. Without an
 *   administrator passphrase it is a non-extractable CryptoKey kept in IndexedDB (`#key`): no code
 *   can read its bytes, but the profile holds it, so a copied profile can decrypt. With a
 *   passphrase, `#key` holds it only wrapped by the passphrase (core/passphrase.ts); the unwrapped
 *   key exists only while an administrator has unlocked (roles.ts), and a copied profile reveals
 *   nothing without the passphrase.
 * - the owner's **device key** (`#device:<owner>`, a non-extractable CryptoKey in IndexedDB), for
 *   the secrets of a connection or environment that allows scheduled runs while locked: usable
 *   without the passphrase, so scheduled runs and contributors can use it, and readable from a
 *   copied profile. One key per owner, deleted with the last secret it seals.
 */
const KEY_ID = '#key';
const DEVICE_PREFIX = '#device:';
const SECRET_PREFIX = 'secret:';
/** The vault store's key for an owner's device key, for callers that delete it with the owner. */
export const deviceKeyId = (owner: string) => `${DEVICE_PREFIX}${owner}`;

/** The vault store's key for a secret, for callers that delete it inside a wider transaction. */
export const vaultRecordKey = (id: string) => `${SECRET_PREFIX}${id}`;

const bytes = (length: number) =>
  z.instanceof(Uint8Array).refine((value) => value.byteLength === length) as z.ZodType<
    Uint8Array<ArrayBuffer>
  >;

/** A secret as stored: the ciphertext, its IV, and — when a device key sealed it — that key's owner. */
export const sealedSchema = z.object({
  iv: bytes(12),
  data: z.instanceof(ArrayBuffer),
  device: z.string().min(1).optional(),
});
export type Sealed = z.infer<typeof sealedSchema>;

export const wrappedVaultKeySchema = z.object({
  form: z.literal('passphrase'),
  kdf: z.literal('PBKDF2-SHA-256'),
  iterations: z.number().int().positive(),
  salt: bytes(16),
  iv: bytes(12),
  wrapped: z.instanceof(ArrayBuffer),
  check: z.instanceof(ArrayBuffer),
}) satisfies z.ZodType<WrappedVaultKey>;

/** How the vault key is kept: nowhere yet, as a device key, or wrapped by the passphrase. */
export type VaultKeyRecord =
  | { form: 'none' }
  | { form: 'device'; key: CryptoKey }
  | { form: 'passphrase'; wrapped: WrappedVaultKey };

export class VaultError extends Error {
  constructor(
    readonly code: 'missing' | 'tampered' | 'locked',
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

const locked = () =>
  new VaultError('locked', 'The vault is locked: an administrator must unlock to use this secret.');

export async function readVaultKeyRecord(db: Database): Promise<VaultKeyRecord> {
  const stored = await db.get('vault', KEY_ID);
  if (stored === undefined) return { form: 'none' };
  if (stored instanceof CryptoKey) return { form: 'device', key: stored };
  const wrapped = wrappedVaultKeySchema.safeParse(stored);
  if (wrapped.success) return { form: 'passphrase', wrapped: wrapped.data };
  throw new VaultError('tampered', 'The vault key is damaged.');
}

/** Whether any stored secret is sealed under the vault key (rather than a device key). */
export async function holdsVaultSealedSecrets(db: Database): Promise<boolean> {
  const range = IDBKeyRange.bound(SECRET_PREFIX, `${SECRET_PREFIX}\uffff`);
  return (await db.getAll('vault', range)).some(
    (value) => sealedSchema.safeParse(value).data?.device === undefined,
  );
}

export interface VaultDeps {
  db: Database;
  /** The key `wrapped` wraps, while an administrator has it unlocked; null while locked. */
  unlockedKey(wrapped: WrappedVaultKey): Promise<CryptoKey | null>;
  /** The owner whose device key should seal a secret (it allows runs while locked), or null. */
  placement(secretId: string): Promise<string | null>;
  subtle?: SubtleCrypto;
}

/** A new vault key and the form to store it in (`#key`). */
export interface NextVaultKey {
  key: CryptoKey;
  stored: CryptoKey | WrappedVaultKey;
}

export class Vault {
  readonly #deps: VaultDeps;
  readonly #subtle: SubtleCrypto;
  /** Writes and key changes one at a time, so a key change never loses a secret written meanwhile. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: VaultDeps) {
    this.#deps = deps;
    this.#subtle = deps.subtle ?? globalThis.crypto.subtle;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #generate(): Promise<CryptoKey> {
    return this.#subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  /** The vault key; with `create`, a device-form one is made when none exists yet. */
  async #vaultKey(create: boolean): Promise<CryptoKey> {
    const record = await readVaultKeyRecord(this.#deps.db);
    if (record.form === 'device') return record.key;
    if (record.form === 'passphrase') {
      const key = await this.#deps.unlockedKey(record.wrapped);
      if (key === null) throw locked();
      return key;
    }
    if (!create) throw new VaultError('missing', 'The vault key is missing.');
    return this.#addKey(KEY_ID);
  }

  async #deviceKey(owner: string, create: boolean): Promise<CryptoKey> {
    const stored = await this.#deps.db.get('vault', deviceKeyId(owner));
    if (stored instanceof CryptoKey) return stored;
    if (stored !== undefined || !create)
      throw new VaultError('missing', 'A device key of the vault is missing.');
    return this.#addKey(deviceKeyId(owner));
  }

  async #addKey(id: string): Promise<CryptoKey> {
    const key = await this.#generate();
    // `add` fails if another worker on this database raced us to it; then use the key that won.
    try {
      await this.#deps.db.add('vault', key, id);
      return key;
    } catch {
      const winner = await this.#deps.db.get('vault', id);
      if (winner instanceof CryptoKey) return winner;
      throw new VaultError('tampered', 'A key of the vault could not be stored.');
    }
  }

  async #keyFor(sealed: Sealed): Promise<CryptoKey> {
    return sealed.device === undefined ? this.#vaultKey(false) : this.#deviceKey(sealed.device, false);
  }

  async #seal(id: string, plaintext: string, key: CryptoKey, device: string | null): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await this.#subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
      key,
      new TextEncoder().encode(plaintext),
    );
    return device === null ? { iv, data } : { iv, data, device };
  }

  async #open(id: string, sealed: Sealed): Promise<string> {
    const key = await this.#keyFor(sealed);
    try {
      const plain = await this.#subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(id) },
        key,
        sealed.data,
      );
      return new TextDecoder().decode(plain);
    } catch {
      throw new VaultError('tampered', 'A secret in the vault was changed and cannot be decrypted.');
    }
  }

  async #read(id: string): Promise<Sealed> {
    const stored = await this.#deps.db.get('vault', vaultRecordKey(id));
    if (stored === undefined) throw new VaultError('missing', 'The secret is not in the vault.');
    const sealed = sealedSchema.safeParse(stored);
    if (!sealed.success) throw new VaultError('tampered', 'A secret in the vault is damaged.');
    return sealed.data;
  }

  /** Seals a secret under its owner's device key or the vault key (`locked` if that is locked). */
  put(id: string, plaintext: string): Promise<void> {
    return this.#serial(async () => {
      const device = await this.#deps.placement(id);
      const key = device === null ? await this.#vaultKey(true) : await this.#deviceKey(device, true);
      await this.#deps.db.put('vault', await this.#seal(id, plaintext, key, device), vaultRecordKey(id));
    });
  }

  get(id: string): Promise<string> {
    return this.#serial(async () => this.#open(id, await this.#read(id)));
  }

  /** Deletes a secret (and the device key that sealed it, once it seals nothing else). */
  delete(id: string): Promise<void> {
    return this.#serial(async () => {
      await this.#deps.db.delete('vault', vaultRecordKey(id));
      await this.#dropUnusedDeviceKeys();
    });
  }

  async has(id: string): Promise<boolean> {
    return (await this.#deps.db.getKey('vault', vaultRecordKey(id))) !== undefined;
  }

  async #dropUnusedDeviceKeys(): Promise<void> {
    const tx = this.#deps.db.transaction('vault', 'readwrite');
    const used = new Set<string>();
    for (const value of await tx.store.getAll(IDBKeyRange.bound(SECRET_PREFIX, `${SECRET_PREFIX}\uffff`))) {
      const device = sealedSchema.safeParse(value).data?.device;
      if (device !== undefined) used.add(device);
    }
    for (const key of await tx.store.getAllKeys(IDBKeyRange.bound(DEVICE_PREFIX, `${DEVICE_PREFIX}\uffff`))) {
      if (!used.has(String(key).slice(DEVICE_PREFIX.length))) await tx.store.delete(key);
    }
    await tx.done;
  }

  /**
   * Seals every secret again, each where `placement` says, under `next` (a new vault key, stored in
   * the form given) or the current vault key; device keys nothing uses any more are deleted. All of
   * it is written in one transaction after every secret was decrypted and sealed again, so a
   * failure leaves the vault as it was. `committed` runs before any other vault work, so the new key
   * is in place (in memory too) before anything reads with it.
   */
  reseal(next?: NextVaultKey, committed?: () => Promise<void> | void): Promise<void> {
    return this.#serial(async () => {
      const { db } = this.#deps;
      const range = IDBKeyRange.bound(SECRET_PREFIX, `${SECRET_PREFIX}\uffff`);
      const [keys, values] = await Promise.all([db.getAllKeys('vault', range), db.getAll('vault', range)]);
      const secrets: { id: string; plaintext: string }[] = [];
      for (const [i, key] of keys.entries()) {
        const id = String(key).slice(SECRET_PREFIX.length);
        const sealed = sealedSchema.safeParse(values[i]);
        if (!sealed.success) throw new VaultError('tampered', 'A secret in the vault is damaged.');
        secrets.push({ id, plaintext: await this.#open(id, sealed.data) });
      }
      const vaultKey = next?.key ?? (await this.#vaultKey(true));
      const deviceKeys = new Map<string, { key: CryptoKey; stored: boolean }>();
      const resealed: { id: string; sealed: Sealed }[] = [];
      for (const { id, plaintext } of secrets) {
        const device = await this.#deps.placement(id);
        let key = vaultKey;
        if (device !== null) {
          let held = deviceKeys.get(device);
          if (!held) {
            const stored = await db.get('vault', deviceKeyId(device));
            held =
              stored instanceof CryptoKey
                ? { key: stored, stored: true }
                : { key: await this.#generate(), stored: false };
            deviceKeys.set(device, held);
          }
          key = held.key;
        }
        resealed.push({ id, sealed: await this.#seal(id, plaintext, key, device) });
      }
      const tx = db.transaction(['vault', 'settings'], 'readwrite');
      const store = tx.objectStore('vault');
      const writes: Promise<unknown>[] = [];
      for (const old of await store.getAllKeys(IDBKeyRange.bound(DEVICE_PREFIX, `${DEVICE_PREFIX}\uffff`))) {
        if (!deviceKeys.has(String(old).slice(DEVICE_PREFIX.length))) writes.push(store.delete(old));
      }
      for (const [owner, held] of deviceKeys)
        if (!held.stored) writes.push(store.put(held.key, deviceKeyId(owner)));
      for (const { id, sealed } of resealed) writes.push(store.put(sealed, vaultRecordKey(id)));
      if (next) {
        writes.push(store.put(next.stored, KEY_ID));
        // A hash an earlier version kept is superseded by the key it guarded (settings.ts).
        writes.push(tx.objectStore('settings').delete(LEGACY_PASSPHRASE_KEY));
      }
      await Promise.all([...writes, tx.done]);
      await committed?.();
    });
  }
}

/** What the UI may show of a secret: its last four characters. */
export function secretHint(secret: string): string {
  return `••••${secret.slice(-4)}`;
}
