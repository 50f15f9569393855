import type { DBSchema } from 'idb';
import type { z } from 'zod';
import type { exportDefinitionSchema } from '../core/export-definition.ts';
import type { rateBudgetStateSchema } from '../core/rate-budget.ts';
import type { retentionSchema } from '../core/run/retention.ts';
import type { snapshotContactSchema, snapshotHeadSchema } from './brand-snapshot.ts';
import type { customerInsightsEnvironmentRecordSchema } from './customer-insights-environments.ts';
import type { fileRowsRecordSchema, fileSourceRecordSchema } from './file-sources.ts';
import type { ledgerChunkSchema, ledgerHeadSchema, ledgerLogSchema } from './ledger.ts';
import type { connectionRecordSchema } from './records.ts';
import type { runRecordSchema } from './run-records.ts';
import type { rejectedRowRecordSchema } from './run-rejected.ts';
import type { scheduleRecordSchema } from './run-schedules.ts';
import type { batchRecordSchema, outboxChunkSchema, runChangeSchema, tagChunkSchema } from './run-work.ts';
import type { passphraseRecordSchema } from './settings.ts';
import type { sealedSchema, wrappedVaultKeySchema } from './vault.ts';

/**
 * The IndexedDB schema, declared once. Each store's value type is what its zod schema accepts, so
 * putting a record of the wrong shape fails `tsc`; records are still validated with zod when read
 * (records.ts), because what is on disk may come from an older version or be damaged.
 */
export const DB_NAME = 'segment-export';
export const DB_VERSION = 6;

type Stored<T extends z.ZodType> = z.input<T>;

export interface ExportDb extends DBSchema {
  connections: { key: string; value: Stored<typeof connectionRecordSchema> };
  exports: {
    key: string;
    value: Stored<typeof exportDefinitionSchema>;
    indexes: { byConnection: string };
  };
  runs: {
    key: string;
    value: Stored<typeof runRecordSchema>;
    indexes: { byExport: string; byStatus: string; byExportCreated: [string, number] };
  };
  /** Settings by name: the passphrase hash of earlier versions (`adminPassphrase`, settings.ts), History's `retention`. */
  settings: { key: string; value: Stored<typeof passphraseRecordSchema> | Stored<typeof retentionSchema> };
  /**
   * The secret vault (vault.ts): its key (`#key`: a non-extractable CryptoKey, or wrapped by the
   * administrator passphrase), device keys (`#device:<owner>`) and the encrypted secrets.
   */
  vault: {
    key: string;
    value: CryptoKey | Stored<typeof sealedSchema> | Stored<typeof wrappedVaultKeySchema>;
  };
  /** Segment sources: uploaded files and Customer Insights environments. */
  sources: {
    key: string;
    value: Stored<typeof fileSourceRecordSchema> | Stored<typeof customerInsightsEnvironmentRecordSchema>;
  };
  /** An uploaded file's rows, in pages, per upload generation (a replaced file keeps its id). */
  fileRows: { key: [string, number, number]; value: Stored<typeof fileRowsRecordSchema> };
  // v3: the export engine (run-*.ts, ledger.ts, budget-state.ts).
  /** Contacts of a run queued for batches, in source order, one batch's worth per record (v4). */
  runOutbox: { key: [string, number]; value: Stored<typeof outboxChunkSchema> };
  /** Batches a run submitted, until their results are read (then kept as a support log). */
  runBatches: { key: [string, number]; value: Stored<typeof batchRecordSchema> };
  /** Tag additions and removals a run still has to send, by op and tag, many emails per record (v4). */
  runTags: { key: [string, string, string, number]; value: Stored<typeof tagChunkSchema> };
  /** Rejected rows per run, in order. */
  runRejected: { key: [string, number]; value: Stored<typeof rejectedRowRecordSchema> };
  /** The rate budget of each Omnisend brand, so a restarted worker does not burst. */
  budgets: { key: string; value: Stored<typeof rateBudgetStateSchema> };
  /** Per export: when its schedule was set, the last slot it ran for, the last refresh seen. */
  schedules: { key: string; value: Stored<typeof scheduleRecordSchema> };
  // v4: the ledger in large records (ledger.ts); it replaces v3's one record per email.
  /** Per export: which generation of ledger chunks is current. */
  ledgers: { key: string; value: Stored<typeof ledgerHeadSchema> };
  /** Per export, generation and chunk: the state of up to 2,000 emails. */
  ledgerChunks: { key: [string, number, number]; value: Stored<typeof ledgerChunkSchema> };
  /** Per export and seq: what the running run changed, one record per checkpoint. */
  ledgerLog: {
    key: [string, number];
    value: Stored<typeof ledgerLogSchema>;
    indexes: { byKind: [string, string, number] };
  };
  // v5: the brand snapshot (brand-snapshot.ts).
  /** Per Omnisend brand: the current generation of its snapshot and the listing under way. */
  brandSnapshots: { key: string; value: Stored<typeof snapshotHeadSchema> };
  /** Per brand, generation and normalised email: one contact as GET /contacts listed it. */
  brandContacts: { key: [string, number, string]; value: Stored<typeof snapshotContactSchema> };
  // v6: what a run changed in Omnisend, so that it can be undone (run-work.ts).
  /** Per run and seq: emails one confirmed tag call changed, or one settled batch created. */
  runChanges: { key: [string, number]; value: Stored<typeof runChangeSchema> };
}
