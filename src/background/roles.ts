import { z } from 'zod';
import {
  importVaultKey,
  isVaultKey,
  type LegacyPassphraseHash,
  newVaultKeyBytes,
  PBKDF2_ITERATIONS,
  unwrapVaultKey,
  verifyLegacyPassphrase,
  type WrappedVaultKey,
  wrapVaultKey,
} from '../core/passphrase.ts';
import type { Role } from '../messaging/protocol.ts';
import type { Database } from '../storage/open-database.ts';
import { readAdminPassphrase } from '../storage/settings.ts';
import { holdsVaultSealedSecrets, readVaultKeyRecord, type Vault } from '../storage/vault.ts';
import { HandledError } from './router.ts';
import type { SessionArea } from './session-area.ts';

/** An unlocked administrator session locks itself after this long without administrator actions. */
export const ADMINISTRATOR_IDLE_MS = 30 * 60_000;
/** After this many wrong passphrases in a row, each further try waits a while. */
const FREE_ATTEMPTS = 5;
const ATTEMPT_DELAY_MS = 30_000;

/**
 * `storage.session` keys. The unlocked vault key is mirrored there only so that an administrator
 * stays unlocked when Chrome stops the idle worker (after 30 s) and starts it again: that area is
 * kept in memory, never written to disk, and emptied when the browser closes
 * (https://developer.chrome.com/docs/extensions/reference/api/storage#property-session). Content
 * scripts cannot reach it (its default access level is TRUSTED_CONTEXTS, which this extension
 * never widens); the extension's pages can. So nothing written there counts unless it proves
 * itself: the worker reads it once when it starts, and accepts a key only if it matches the
 * wrapped key's check — which no page can forge without the key itself.
 */
const UNLOCKED = 'vault-unlocked';
const FAILURES = 'unlock-failures';
const unlockedSchema = z.object({ key: z.string().min(1), until: z.number() });
const failuresSchema = z.object({ count: z.number().int().nonnegative(), last: z.number() });

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export interface RolesDeps {
  db: Database;
  session: SessionArea;
  now: () => number;
  /** The vault whose key the passphrase wraps (it asks `unlockedKey` for that key). */
  vault: () => Vault;
  /** Called whenever the vault key leaves memory (lock, idle timeout): drop what was opened with it. */
  locked?: () => void;
  /** PBKDF2 iterations for a new wrapping (tests lower it; the default is OWASP's 600,000). */
  iterations?: number;
}

interface Unlocked {
  raw: Uint8Array<ArrayBuffer>;
  key: CryptoKey;
  until: number;
}

/** Where the passphrase stands, read from the vault itself: nothing else can say "no passphrase". */
type PassphraseState =
  | { kind: 'none' }
  | { kind: 'wrapped'; wrapped: WrappedVaultKey }
  /** An earlier version's hash guards a device-form key; the next unlock wraps it. */
  | { kind: 'legacy'; hash: LegacyPassphraseHash }
  /** Secrets sealed under a vault key that is gone: locked for good. */
  | { kind: 'key-missing' };

const wrongPassphrase = () =>
  new HandledError({
    code: 'wrong-passphrase',
    message: 'That is not the administrator passphrase.',
    retryable: false,
  });

/**
 * The administrator / contributor split of DESIGN.md §7, held by the worker. With no passphrase the
 * single user is the administrator. With one, the vault key is stored wrapped by it, and the
 * extension runs as contributor until someone unlocks: the role is "administrator" exactly while
 * this worker holds the unwrapped vault key (in memory, mirrored in `storage.session`, see above)
 * and has not been idle for 30 minutes. Passphrase checks run one at a time, so parallel attempts
 * cannot slip past the count of wrong ones.
 */
export class Roles {
  readonly #deps: RolesDeps;
  #unlocked: Unlocked | null = null;
  #restored = false;
  #checks: Promise<unknown> = Promise.resolve();

  constructor(deps: RolesDeps) {
    this.#deps = deps;
  }

  async #state(): Promise<PassphraseState> {
    const { db } = this.#deps;
    const record = await readVaultKeyRecord(db);
    if (record.form === 'passphrase') return { kind: 'wrapped', wrapped: record.wrapped };
    const hash = await readAdminPassphrase(db);
    if (hash) return { kind: 'legacy', hash };
    if (record.form === 'none' && (await holdsVaultSealedSecrets(db))) return { kind: 'key-missing' };
    return { kind: 'none' };
  }

  async passphraseSet(): Promise<boolean> {
    return (await this.#state()).kind !== 'none';
  }

  async current(): Promise<Role> {
    const state = await this.#state();
    if (state.kind === 'none') return 'administrator';
    if (state.kind !== 'wrapped') return 'contributor';
    return (await this.unlockedKey(state.wrapped)) ? 'administrator' : 'contributor';
  }

  /** The unwrapped vault key while an administrator has it unlocked, for the vault; else null. */
  async unlockedKey(wrapped: WrappedVaultKey): Promise<CryptoKey | null> {
    if (!this.#restored) {
      this.#restored = true;
      await this.#restore(wrapped);
    }
    const held = this.#unlocked;
    if (!held) return null;
    if (held.until <= this.#deps.now() || !(await isVaultKey(held.raw, wrapped))) {
      await this.lock();
      return null;
    }
    return held.key;
  }

  /** A worker that was stopped picks up the unlocked key from `storage.session`, if it is the real one. */
  async #restore(wrapped: WrappedVaultKey): Promise<void> {
    const { session, now } = this.#deps;
    const stored = unlockedSchema.safeParse((await session.get(UNLOCKED))[UNLOCKED]);
    if (!stored.success || stored.data.until <= now()) return;
    let raw: Uint8Array<ArrayBuffer>;
    try {
      raw = fromBase64(stored.data.key);
    } catch {
      return;
    }
    if (raw.length === 32 && (await isVaultKey(raw, wrapped)))
      this.#unlocked = { raw, key: await importVaultKey(raw), until: stored.data.until };
  }

  async #hold(raw: Uint8Array<ArrayBuffer>, key: CryptoKey): Promise<void> {
    const until = this.#deps.now() + ADMINISTRATOR_IDLE_MS;
    this.#unlocked = { raw, key, until };
    this.#restored = true;
    await this.#deps.session.set({ [UNLOCKED]: { key: toBase64(raw), until } });
  }

  /** Keeps an unlocked session alive while the administrator works. */
  async touch(): Promise<void> {
    const held = this.#unlocked;
    if (held && held.until > this.#deps.now()) await this.#hold(held.raw, held.key);
  }

  async lock(): Promise<void> {
    this.#unlocked = null;
    this.#restored = true;
    this.#deps.locked?.();
    await this.#deps.session.remove(UNLOCKED);
  }

  /**
   * One passphrase check at a time, counted: after five wrong ones in a row each further try waits
   * 30 seconds. The count lives in `storage.session` so a restarted worker keeps it.
   */
  #check(right: () => Promise<boolean>): Promise<void> {
    const result = this.#checks.then(async () => {
      const { session, now } = this.#deps;
      const failures = failuresSchema.safeParse((await session.get(FAILURES))[FAILURES]);
      const prior = failures.success ? failures.data : { count: 0, last: 0 };
      if (prior.count >= FREE_ATTEMPTS && now() - prior.last < ATTEMPT_DELAY_MS) {
        throw new HandledError({
          code: 'too-many-attempts',
          message: 'Too many wrong passphrases. Wait 30 seconds and try again.',
          retryable: true,
        });
      }
      if (await right()) {
        await session.remove(FAILURES);
        return;
      }
      await session.set({ [FAILURES]: { count: prior.count + 1, last: now() } });
      throw wrongPassphrase();
    });
    this.#checks = result.catch(() => undefined);
    return result;
  }

  /** Checks `passphrase` against the state; returns the unwrapped key when the state has one. */
  async #verify(state: PassphraseState, passphrase: string): Promise<Uint8Array<ArrayBuffer> | null> {
    let raw: Uint8Array<ArrayBuffer> | null = null;
    await this.#check(async () => {
      switch (state.kind) {
        case 'none':
          return true;
        case 'wrapped':
          raw = await unwrapVaultKey(state.wrapped, passphrase);
          return raw !== null;
        case 'legacy':
          return verifyLegacyPassphrase(passphrase, state.hash);
        case 'key-missing':
          throw new HandledError({
            code: 'vault-key-missing',
            message:
              'The key of the saved secrets is missing from this browser’s storage, so they cannot be recovered. Remove the extension and add it again to start over.',
            retryable: false,
          });
      }
    });
    return raw;
  }

  /** Wraps a new vault key with `passphrase`, seals every secret again under it and holds it unlocked. */
  async #wrapNewKey(passphrase: string): Promise<void> {
    const raw = newVaultKeyBytes();
    const key = await importVaultKey(raw);
    const stored = await wrapVaultKey(raw, passphrase, this.#deps.iterations ?? PBKDF2_ITERATIONS);
    await this.#deps.vault().reseal({ key, stored }, () => this.#hold(raw, key));
  }

  async unlock(passphrase: string): Promise<Role> {
    const state = await this.#state();
    const raw = await this.#verify(state, passphrase);
    if (raw !== null) await this.#hold(raw, await importVaultKey(raw));
    // The first unlock after an update moves an earlier version's hash to a wrapped key.
    if (state.kind === 'legacy') await this.#wrapNewKey(passphrase);
    return this.current();
  }

  /** Sets or changes the passphrase (changing needs the current one even while unlocked): a new vault key. */
  async setPassphrase(passphrase: string, current: string | undefined): Promise<void> {
    await this.#verify(await this.#state(), current ?? '');
    await this.#wrapNewKey(passphrase);
  }

  /** Back to no passphrase: a new device-form vault key seals every secret. */
  async removePassphrase(current: string): Promise<void> {
    await this.#verify(await this.#state(), current);
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    await this.#deps.vault().reseal({ key, stored: key }, () => this.lock());
  }
}
