import { z } from 'zod';
import type { PassphraseHash } from '../core/passphrase.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

export const passphraseRecordSchema = z.object({
  algorithm: z.literal('PBKDF2-SHA-256'),
  iterations: z.number().int().positive(),
  salt: z.string().min(1),
  hash: z.string().min(1),
}) satisfies z.ZodType<PassphraseHash>;

const PASSPHRASE_KEY = 'adminPassphrase';

export async function readAdminPassphrase(db: Database): Promise<PassphraseHash | null> {
  const value = await db.get('settings', PASSPHRASE_KEY);
  if (value === undefined) return null;
  return parseRecord(passphraseRecordSchema, 'settings', PASSPHRASE_KEY, value);
}

export async function writeAdminPassphrase(db: Database, hash: PassphraseHash | null): Promise<void> {
  if (hash) await db.put('settings', hash, PASSPHRASE_KEY);
  else await db.delete('settings', PASSPHRASE_KEY);
}
