import { z } from 'zod';
import { lockedRunsByDefault, shareWithSchema } from '../core/share-with.ts';

/**
 * Stored record shapes. Every read goes through these: a record that does not match is an
 * explicit `CorruptRecordError`, never a silent default.
 */
export const connectionRecordSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  shareWith: shareWithSchema,
  brand: z.object({ id: z.string(), name: z.string() }),
  /** The last four characters of the API key, for the UI; the key itself lives in the vault. */
  keyHint: z.string(),
  consent: z.object({ agreedAt: z.number(), statementVersion: z.string() }),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  /** "Allow scheduled runs while locked"; absent in records saved before the choice existed. */
  allowLockedRuns: z.boolean().optional(),
});
export type ConnectionRecord = z.infer<typeof connectionRecordSchema>;

/** Whether the connection's key is sealed under its own device key, usable while locked (vault.ts). */
export const allowsLockedRuns = (record: ConnectionRecord) =>
  record.allowLockedRuns ?? lockedRunsByDefault(record.shareWith);

export const exportRecordSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  connectionId: z.string().nullable(),
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

export class CorruptRecordError extends Error {
  constructor(
    readonly store: string,
    readonly key: IDBValidKey,
  ) {
    super(`A stored ${store} record is damaged and cannot be read.`);
    this.name = 'CorruptRecordError';
  }
}

export function parseRecord<T>(schema: z.ZodType<T>, store: string, key: IDBValidKey, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(store, key);
  return parsed.data;
}
