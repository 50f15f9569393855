import type { DBSchema } from 'idb';

/**
 * The IndexedDB schema, declared once. Records are stored as plain data and validated with zod
 * when read (see records.ts); the types here only describe keys and indexes.
 */
export const DB_NAME = 'segment-export';
export const DB_VERSION = 1;

export interface ExportDb extends DBSchema {
  connections: { key: string; value: unknown };
  exports: { key: string; value: unknown; indexes: { byConnection: string } };
  runs: { key: string; value: unknown; indexes: { byExport: string } };
  settings: { key: string; value: unknown };
}

export type StoreName = 'connections' | 'exports' | 'runs' | 'settings';
