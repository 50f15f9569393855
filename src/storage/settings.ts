import { z } from 'zod';
import type { LegacyPassphraseHash } from '../core/passphrase.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * Settings by name. `adminPassphrase` is the passphrase hash earlier versions kept; the passphrase
 * now wraps the vault key (vault.ts), and a hash left from before is read once, at the unlock that
 * moves it there, then deleted. No setting grants anything by its absence.
 */
export const passphraseRecordSchema = z.object({
  algorithm: z.literal('PBKDF2-SHA-256'),
  iterations: z.number().int().positive(),
  salt: z.string().min(1),
  hash: z.string().min(1),
}) satisfies z.ZodType<LegacyPassphraseHash>;

const PASSPHRASE_KEY = 'adminPassphrase';

export async function readAdminPassphrase(db: Database): Promise<LegacyPassphraseHash | null> {
  const value = await db.get('settings', PASSPHRASE_KEY);
  if (value === undefined) return null;
  return parseRecord(passphraseRecordSchema, 'settings', PASSPHRASE_KEY, value);
}

/** The settings store's key of the legacy hash, for the transaction that moves it to a wrapped key. */
export const LEGACY_PASSPHRASE_KEY = PASSPHRASE_KEY;
