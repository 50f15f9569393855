import { z } from 'zod';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

export const passphraseRecordSchema = z.object({
  algorithm: z.literal('PBKDF2-SHA-256'),
  iterations: z.number().int().positive(),
  salt: z.string().min(1),
  hash: z.string().min(1),
});
export type PassphraseRecord = z.infer<typeof passphraseRecordSchema>;

const PASSPHRASE_KEY = 'adminPassphrase';

export async function readAdminPassphrase(db: Database): Promise<PassphraseRecord | null> {
  const value = await db.get('settings', PASSPHRASE_KEY);
  if (value === undefined) return null;
  return parseRecord(passphraseRecordSchema, 'settings', PASSPHRASE_KEY, value);
}
