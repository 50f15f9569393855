import type { DBSchema } from 'idb';

/**
 * The IndexedDB schema, declared once. Records are stored as plain data and validated with zod
 * when read (see records.ts); the types here only describe keys and indexes.
 */
export const DB_NAME = 'segment-export';
export const DB_VERSION = 4;

export interface ExportDb extends DBSchema {
  connections: { key: string; value: unknown };
  exports: { key: string; value: unknown; indexes: { byConnection: string } };
  runs: {
    key: string;
    value: unknown;
    indexes: { byExport: string; byStatus: string; byExportCreated: [string, number] };
  };
  settings: { key: string; value: unknown };
  /** The secret vault: its non-extractable key and the encrypted secrets (vault.ts). */
  vault: { key: string; value: unknown };
  /** Segment sources: uploaded files (and, later, Customer Insights environments). */
  sources: { key: string; value: unknown };
  /** An uploaded file's rows, in pages, per upload generation (a replaced file keeps its id). */
  fileRows: { key: [string, number, number]; value: unknown };
  // v3: the export engine (run-*.ts, ledger.ts, budget-state.ts).
  /** Contacts of a run queued for batches, in source order, one batch's worth per record (v4). */
  runOutbox: { key: [string, number]; value: unknown };
  /** Batches a run submitted, until their results are read (then kept as a support log). */
  runBatches: { key: [string, number]; value: unknown };
  /** Tag additions and removals a run still has to send, by op and tag, many emails per record (v4). */
  runTags: { key: [string, string, string, number]; value: unknown };
  /** Rejected rows per run, in order. */
  runRejected: { key: [string, number]; value: unknown };
  /** The rate budget of each Omnisend brand, so a restarted worker does not burst. */
  budgets: { key: string; value: unknown };
  /** Per export: when its schedule was set, the last slot it ran for, the last refresh seen. */
  schedules: { key: string; value: unknown };
  // v4: the ledger in large records (ledger.ts); it replaces v3's one record per email.
  /** Per export: which generation of ledger chunks is current. */
  ledgers: { key: string; value: unknown };
  /** Per export, generation and chunk: the state of up to 2,000 emails. */
  ledgerChunks: { key: [string, number, number]; value: unknown };
  /** Per export and seq: what the running run changed, one record per checkpoint. */
  ledgerLog: { key: [string, number]; value: unknown; indexes: { byKind: [string, string, number] } };
}
