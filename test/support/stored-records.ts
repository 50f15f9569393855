import type { StoreKey, StoreNames, StoreValue } from 'idb';
import { newRun } from '../../src/background/engine/engine.ts';
import type { ExportDefinition } from '../../src/core/export-definition.ts';
import type { Database } from '../../src/storage/open-database.ts';
import type { RunRecord } from '../../src/storage/run-records.ts';
import type { ExportDb } from '../../src/storage/schema.ts';

/** An export record as the worker stores one, for tests that set up a state directly. */
export function storedExport(
  fields: { name: string; connectionId: string | null } & Partial<ExportDefinition>,
): ExportDefinition {
  return {
    id: 'e1',
    segments: [{ sourceId: 's', segmentId: 's', displayName: 'VIP', tag: 'VIP' }],
    mapping: { email: 'Email' },
    syncMode: 'mirror',
    schedule: { kind: 'manual' },
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  };
}

/** A run record as the engine stores one (queued, of `definition`), for tests that set up a state directly. */
export function storedRun(
  id: string,
  definition: ExportDefinition,
  fields: Partial<RunRecord> = {},
): RunRecord {
  return { ...newRun(id, definition, 'manual', false, 2), ...fields };
}

/**
 * Writes a record past the store's type: one that is damaged, or shaped by another version, to
 * prove that reading it is an explicit error. Everything else goes through the typed `put`.
 */
export function putRaw<S extends StoreNames<ExportDb>>(
  db: Database,
  store: S,
  value: unknown,
  key?: StoreKey<ExportDb, S>,
) {
  return db.put(store, value as StoreValue<ExportDb, S>, key);
}
