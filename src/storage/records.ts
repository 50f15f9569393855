import { z } from 'zod';

/**
 * Stored record shapes. Every read goes through these: a record that does not match is an
 * explicit `CorruptRecordError`, never a silent default.
 */
export const connectionRecordSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  shareWith: z.enum(['administrators', 'administrators-and-contributors']),
  createdAt: z.number(),
});
export type ConnectionRecord = z.infer<typeof connectionRecordSchema>;

export const exportRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  connectionId: z.string().nullable(),
  createdAt: z.number(),
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

export const runRecordSchema = z.object({
  id: z.string().min(1),
  exportId: z.string().min(1),
  startedAt: z.number(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

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
