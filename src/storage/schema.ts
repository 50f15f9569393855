import type { DBSchema } from 'idb';

/**
 * The IndexedDB schema, declared once. Records are stored as plain data and validated with zod
 * when read (see records.ts); the types here only describe keys and indexes.
 */
export const DB_NAME = 'segment-export';
export const DB_VERSION = 2;

export interface ExportDb extends DBSchema {
  connections: { key: string; value: unknown };
  exports: { key: string; value: unknown; indexes: { byConnection: string } };
  runs: { key: string; value: unknown; indexes: { byExport: string } };
  settings: { key: string; value: unknown };
  /** The secret vault: its non-extractable key and the encrypted secrets (vault.ts). */
  vault: { key: string; value: unknown };
  /** Segment sources: uploaded files (and, later, Customer Insights environments). */
  sources: { key: string; value: unknown };
  /** An uploaded file's rows, in pages, per upload generation (a replaced file keeps its id). */
  fileRows: { key: [string, number, number]; value: unknown };
}
