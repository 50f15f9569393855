import type { Database } from '../../src/storage/open-database.ts';
import { Vault } from '../../src/storage/vault.ts';

/**
 * The vault as a profile without an administrator passphrase has it, where no owner allows
 * scheduled runs while locked: every secret sealed under the device-form vault key. Tests that
 * seed or read secrets outside the worker use it; the worker's own vault reads either placement.
 */
export function plainVault(db: Database): Vault {
  return new Vault({ db, unlockedKey: async () => null, placement: async () => null });
}
