import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { secretHint, VaultError } from '../../../src/storage/vault.ts';
import { plainVault } from '../../support/plain-vault.ts';
import { putRaw, storedExport } from '../../support/stored-records.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('Vault', () => {
  test('round-trips a secret and keeps only ciphertext at rest', async () => {
    const db = await openDatabase();
    const vault = plainVault(db);
    await vault.put('c1', 'omnisend-key-1234567890');
    expect(await plainVault(db).get('c1')).toBe('omnisend-key-1234567890');
    const stored = await db.get('vault', 'secret:c1');
    const bytes = new Uint8Array((stored as { data: ArrayBuffer }).data);
    expect(Buffer.from(bytes).toString('latin1')).not.toContain('omnisend-key');
    db.close();
  });

  test('uses a fresh IV for every write', async () => {
    const db = await openDatabase();
    const vault = plainVault(db);
    await vault.put('c1', 'same secret');
    const first = (await db.get('vault', 'secret:c1')) as { iv: Uint8Array };
    await vault.put('c1', 'same secret');
    const second = (await db.get('vault', 'secret:c1')) as { iv: Uint8Array };
    expect(Buffer.from(second.iv).equals(Buffer.from(first.iv))).toBe(false);
    db.close();
  });

  test('fails clearly on a tampered record, and on a record moved to another id', async () => {
    const db = await openDatabase();
    const vault = plainVault(db);
    await vault.put('c1', 'secret-one');
    const sealed = (await db.get('vault', 'secret:c1')) as { iv: Uint8Array; data: ArrayBuffer };
    const flipped = new Uint8Array(sealed.data.slice(0));
    flipped[0]! ^= 1;
    await putRaw(db, 'vault', { iv: sealed.iv, data: flipped.buffer }, 'secret:c1');
    await expect(vault.get('c1')).rejects.toMatchObject({ code: 'tampered' });

    await vault.put('c2', 'secret-two');
    await putRaw(db, 'vault', await db.get('vault', 'secret:c2'), 'secret:c3');
    await expect(vault.get('c3')).rejects.toMatchObject({ code: 'tampered' });

    await putRaw(db, 'vault', { iv: 'nope' }, 'secret:c4');
    await expect(vault.get('c4')).rejects.toBeInstanceOf(VaultError);
    db.close();
  });

  test('says a deleted secret is missing', async () => {
    const db = await openDatabase();
    const vault = plainVault(db);
    await vault.put('c1', 'secret');
    expect(await vault.has('c1')).toBe(true);
    await vault.delete('c1');
    expect(await vault.has('c1')).toBe(false);
    await expect(vault.get('c1')).rejects.toMatchObject({ code: 'missing' });
    db.close();
  });

  test('never exports its key', async () => {
    const db = await openDatabase();
    await plainVault(db).put('c1', 'secret');
    const key = await db.get('vault', '#key');
    expect(key).toBeInstanceOf(CryptoKey);
    expect((key as CryptoKey).extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key as CryptoKey)).rejects.toThrow();
    db.close();
  });

  test('shows only the last four characters', () => {
    expect(secretHint('abcdefgh1234')).toBe('••••1234');
  });
});

describe('deleteAllData', () => {
  test('empties every store, the vault key included, and a new secret gets a new key', async () => {
    const { deleteAllData } = await import('../../../src/storage/delete-all.ts');
    const db = await openDatabase();
    const vault = plainVault(db);
    await vault.put('c1', 'secret');
    await db.put('exports', storedExport({ name: 'x', connectionId: 'c1' }));
    const oldKey = await db.get('vault', '#key');
    await deleteAllData(db);
    for (const name of db.objectStoreNames) expect(await db.count(name)).toBe(0);
    await vault.put('c2', 'another');
    expect(await db.get('vault', '#key')).not.toBe(oldKey);
    expect(await plainVault(db).get('c2')).toBe('another');
    db.close();
  });
});
