import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { ADMINISTRATOR_IDLE_MS, Roles } from '../../../src/background/roles.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { memorySession } from '../../support/memory-session.ts';

let clock = 1_000_000;
const now = () => clock;

async function roles() {
  const session = memorySession();
  return { session, roles: new Roles({ db: await openDatabase(), session, now, iterations: 1_000 }) };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  clock = 1_000_000;
});

describe('Roles', () => {
  test('without a passphrase the single user is the administrator', async () => {
    expect(await (await roles()).roles.current()).toBe('administrator');
  });

  test('with a passphrase the extension runs as contributor until unlocked', async () => {
    const { roles: r } = await roles();
    await r.setPassphrase('correct horse battery', undefined);
    expect(await r.current()).toBe('administrator');
    await r.lock();
    expect(await r.current()).toBe('contributor');
    await expect(r.unlock('wrong guess!')).rejects.toMatchObject({ data: { code: 'wrong-passphrase' } });
    expect(await r.current()).toBe('contributor');
    expect(await r.unlock('correct horse battery')).toBe('administrator');
  });

  test('locks again after 30 minutes without administrator actions, and activity keeps it open', async () => {
    const { roles: r } = await roles();
    await r.setPassphrase('correct horse battery', undefined);
    clock += ADMINISTRATOR_IDLE_MS - 1_000;
    await r.touch();
    clock += ADMINISTRATOR_IDLE_MS - 1_000;
    expect(await r.current()).toBe('administrator');
    clock += 2_000;
    expect(await r.current()).toBe('contributor');
    await r.touch();
    expect(await r.current()).toBe('contributor');
  });

  test('changing or removing the passphrase needs the current one', async () => {
    const { roles: r } = await roles();
    await r.setPassphrase('first passphrase', undefined);
    await expect(r.setPassphrase('second passphrase', 'not it')).rejects.toMatchObject({
      data: { code: 'wrong-passphrase' },
    });
    await r.setPassphrase('second passphrase', 'first passphrase');
    await expect(r.removePassphrase('first passphrase')).rejects.toMatchObject({
      data: { code: 'wrong-passphrase' },
    });
    await r.removePassphrase('second passphrase');
    expect(await r.passphraseSet()).toBe(false);
    expect(await r.current()).toBe('administrator');
  });

  test('stores only a salted PBKDF2 hash of the passphrase', async () => {
    const db = await openDatabase();
    const r = new Roles({ db, session: memorySession(), now, iterations: 1_000 });
    await r.setPassphrase('correct horse battery', undefined);
    const stored = await db.get('settings', 'adminPassphrase');
    expect(stored).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: 1_000 });
    expect(JSON.stringify(stored)).not.toContain('correct horse');
  });

  test('slows down guessing after five wrong passphrases', async () => {
    const { roles: r } = await roles();
    await r.setPassphrase('correct horse battery', undefined);
    await r.lock();
    for (let i = 0; i < 5; i++)
      await expect(r.unlock(`guess ${i}`)).rejects.toMatchObject({ data: { code: 'wrong-passphrase' } });
    await expect(r.unlock('correct horse battery')).rejects.toMatchObject({
      data: { code: 'too-many-attempts' },
    });
    clock += 31_000;
    expect(await r.unlock('correct horse battery')).toBe('administrator');
  });
});
