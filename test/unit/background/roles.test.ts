import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { ADMINISTRATOR_IDLE_MS, Roles } from '../../../src/background/roles.ts';
import type { SessionArea } from '../../../src/background/session-area.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { Vault } from '../../../src/storage/vault.ts';
import { memorySession } from '../../support/memory-session.ts';
import { plainVault } from '../../support/plain-vault.ts';
import { putRaw } from '../../support/stored-records.ts';

let clock = 1_000_000;
const now = () => clock;

/**
 * The worker's roles and vault over one database, as createWorker wires them: a secret whose id
 * starts with "shared" belongs to an owner that allows scheduled runs while locked.
 */
function worker(db: Database, session: SessionArea) {
  const vault: Vault = new Vault({
    db,
    unlockedKey: (wrapped) => roles.unlockedKey(wrapped),
    placement: async (id) => (id.startsWith('shared') ? id : null),
  });
  const roles: Roles = new Roles({ db, session, now, vault: () => vault, iterations: 1_000 });
  return { vault, roles };
}

async function setup() {
  const db = await openDatabase();
  const session = memorySession();
  return { db, session, ...worker(db, session) };
}

/** Every CryptoKey the database holds, tried on every sealed secret: what a copied profile decrypts. */
async function decryptableWithStoredKeys(db: Database): Promise<string[]> {
  const keys = (await db.getAll('vault')).filter((v): v is CryptoKey => v instanceof CryptoKey);
  const opened: string[] = [];
  for (const id of await db.getAllKeys('vault')) {
    const value = await db.get('vault', id);
    if (!(typeof id === 'string' && id.startsWith('secret:'))) continue;
    const sealed = value as { iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer };
    for (const key of keys) {
      const additionalData = new TextEncoder().encode(id.slice('secret:'.length));
      const plain = await crypto.subtle
        .decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData }, key, sealed.data)
        .catch(() => null);
      if (plain) opened.push(new TextDecoder().decode(plain));
    }
  }
  return opened;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  clock = 1_000_000;
});

describe('Roles', () => {
  test('without a passphrase the single user is the administrator', async () => {
    expect(await (await setup()).roles.current()).toBe('administrator');
  });

  test('with a passphrase the extension runs as contributor until unlocked, and the vault key with it', async () => {
    const { roles: r, vault } = await setup();
    await vault.put('own', 'an administrators’ key');
    await vault.put('shared', 'a shared key');
    await r.setPassphrase('correct horse battery', undefined);
    expect(await r.current()).toBe('administrator');
    await r.lock();
    expect(await r.current()).toBe('contributor');
    await expect(vault.get('own')).rejects.toMatchObject({ code: 'locked' });
    await expect(vault.put('own', 'another key')).rejects.toMatchObject({ code: 'locked' });
    // A secret whose owner allows scheduled runs while locked stays usable.
    expect(await vault.get('shared')).toBe('a shared key');
    await expect(r.unlock('wrong guess!')).rejects.toMatchObject({ data: { code: 'wrong-passphrase' } });
    expect(await r.current()).toBe('contributor');
    expect(await r.unlock('correct horse battery')).toBe('administrator');
    expect(await vault.get('own')).toBe('an administrators’ key');
  });

  test('locks again after 30 minutes without administrator actions, and activity keeps it open', async () => {
    const { roles: r, vault } = await setup();
    await vault.put('own', 'secret');
    await r.setPassphrase('correct horse battery', undefined);
    clock += ADMINISTRATOR_IDLE_MS - 1_000;
    await r.touch();
    clock += ADMINISTRATOR_IDLE_MS - 1_000;
    expect(await r.current()).toBe('administrator');
    clock += 2_000;
    expect(await r.current()).toBe('contributor');
    await r.touch();
    expect(await r.current()).toBe('contributor');
    await expect(vault.get('own')).rejects.toMatchObject({ code: 'locked' });
  });

  test('changing or removing the passphrase needs the current one, and every secret moves along', async () => {
    const { roles: r, vault, db } = await setup();
    await vault.put('own', 'an administrators’ key');
    await vault.put('shared', 'a shared key');
    await r.setPassphrase('first passphrase', undefined);
    const firstWrapping = await db.get('vault', '#key');
    await expect(r.setPassphrase('second passphrase', 'not it')).rejects.toMatchObject({
      data: { code: 'wrong-passphrase' },
    });
    await r.setPassphrase('second passphrase', 'first passphrase');
    expect(await db.get('vault', '#key')).not.toEqual(firstWrapping);
    expect(await vault.get('own')).toBe('an administrators’ key');
    await r.lock();
    await expect(r.unlock('first passphrase')).rejects.toMatchObject({ data: { code: 'wrong-passphrase' } });
    await r.unlock('second passphrase');
    await expect(r.removePassphrase('first passphrase')).rejects.toMatchObject({
      data: { code: 'wrong-passphrase' },
    });
    await r.removePassphrase('second passphrase');
    expect(await r.passphraseSet()).toBe(false);
    expect(await r.current()).toBe('administrator');
    expect(await db.get('vault', '#key')).toBeInstanceOf(CryptoKey);
    expect([await vault.get('own'), await vault.get('shared')]).toEqual([
      'an administrators’ key',
      'a shared key',
    ]);
  });

  test('keeps neither the passphrase nor a hash of it, only the vault key wrapped by it', async () => {
    const { roles: r, vault, db } = await setup();
    await vault.put('own', 'secret');
    await r.setPassphrase('correct horse battery', undefined);
    expect(await db.count('settings')).toBe(0);
    expect(await db.get('vault', '#key')).toMatchObject({
      form: 'passphrase',
      kdf: 'PBKDF2-SHA-256',
      iterations: 1_000,
    });
    const text = new TextDecoder('latin1').decode(
      new Uint8Array(await new Blob([JSON.stringify(await db.getAll('vault'))]).arrayBuffer()),
    );
    expect(text).not.toContain('correct horse');
  });

  test('a copy of the locked database decrypts only what allows runs while locked', async () => {
    const { roles: r, vault, db } = await setup();
    await vault.put('own', 'an administrators’ key');
    await vault.put('shared', 'a shared key');
    // Without a passphrase the profile holds the key: a copy decrypts everything (README says so).
    expect((await decryptableWithStoredKeys(db)).sort()).toEqual(['a shared key', 'an administrators’ key']);
    await r.setPassphrase('correct horse battery', undefined);
    await r.lock();
    expect(await decryptableWithStoredKeys(db)).toEqual(['a shared key']);
  });

  test('slows down guessing after five wrong passphrases, counted one at a time however fast they come', async () => {
    const { roles: r } = await setup();
    await r.setPassphrase('correct horse battery', undefined);
    await r.lock();
    const guesses = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => r.unlock(`guess ${i}`)));
    const codes = guesses.map((g) =>
      g.status === 'rejected' ? (g.reason as { data: { code: string } }).data.code : 'unlocked',
    );
    expect(codes.filter((c) => c === 'wrong-passphrase')).toHaveLength(5);
    expect(codes.filter((c) => c === 'too-many-attempts')).toHaveLength(4);
    await expect(r.unlock('correct horse battery')).rejects.toMatchObject({
      data: { code: 'too-many-attempts' },
    });
    clock += 31_000;
    expect(await r.unlock('correct horse battery')).toBe('administrator');
  });

  test('stays unlocked across a worker restart, and nothing a page writes to the session unlocks it', async () => {
    const { db, session, roles: r } = await setup();
    await r.setPassphrase('correct horse battery', undefined);
    // The worker stops and starts again: it finds the unlocked key in storage.session.
    expect(await worker(db, session).roles.current()).toBe('administrator');
    await r.lock();
    await session.set({
      'administrator-unlocked-until': clock + 10 * ADMINISTRATOR_IDLE_MS,
      'vault-unlocked': { key: btoa('x'.repeat(32)), until: clock + ADMINISTRATOR_IDLE_MS },
    });
    const restarted = worker(db, session);
    expect(await restarted.roles.current()).toBe('contributor');
    await expect(restarted.vault.put('own', 'secret')).rejects.toMatchObject({ code: 'locked' });
  });

  test('deleting the vault key or a passphrase setting unlocks nothing', async () => {
    const { db, session, roles: r, vault } = await setup();
    await vault.put('own', 'secret');
    await r.setPassphrase('correct horse battery', undefined);
    await r.lock();
    await db.delete('settings', 'adminPassphrase');
    expect(await worker(db, session).roles.current()).toBe('contributor');
    await db.delete('vault', '#key');
    const restarted = worker(db, session);
    expect(await restarted.roles.current()).toBe('contributor');
    expect(await restarted.roles.passphraseSet()).toBe(true);
    await expect(restarted.roles.unlock('correct horse battery')).rejects.toMatchObject({
      data: { code: 'vault-key-missing' },
    });
    await expect(restarted.vault.get('own')).rejects.toMatchObject({ code: 'missing' });
  });

  test('moves a passphrase hash of an earlier version to a wrapped vault key at the first unlock', async () => {
    const db = await openDatabase();
    await plainVault(db).put('own', 'secret');
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const material = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('old passphrase'),
      'PBKDF2',
      false,
      ['deriveBits'],
    );
    const hash = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1_000 },
      material,
      256,
    );
    const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    await putRaw(
      db,
      'settings',
      {
        algorithm: 'PBKDF2-SHA-256',
        iterations: 1_000,
        salt: base64(salt),
        hash: base64(new Uint8Array(hash)),
      },
      'adminPassphrase',
    );
    const { roles: r, vault } = worker(db, memorySession());
    expect(await r.current()).toBe('contributor');
    await expect(r.unlock('not it at all')).rejects.toMatchObject({ data: { code: 'wrong-passphrase' } });
    expect(await r.unlock('old passphrase')).toBe('administrator');
    expect(await db.get('settings', 'adminPassphrase')).toBeUndefined();
    expect(await db.get('vault', '#key')).toMatchObject({ form: 'passphrase' });
    expect(await vault.get('own')).toBe('secret');
    await r.lock();
    expect(await decryptableWithStoredKeys(db)).toEqual([]);
  });
});
