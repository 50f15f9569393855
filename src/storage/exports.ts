import { type ExportDefinition, exportDefinitionSchema } from '../core/export-definition.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

const idOf = (value: unknown) => String((value as { id?: unknown }).id);

export async function listExports(db: Database): Promise<ExportDefinition[]> {
  return (await db.getAll('exports')).map((v) => parseRecord(exportDefinitionSchema, 'exports', idOf(v), v));
}

export async function getExport(db: Database, id: string): Promise<ExportDefinition | undefined> {
  const value = await db.get('exports', id);
  return value === undefined ? undefined : parseRecord(exportDefinitionSchema, 'exports', id, value);
}

export async function putExport(db: Database, definition: ExportDefinition): Promise<void> {
  await db.put('exports', exportDefinitionSchema.parse(definition));
}

/**
 * Stores the export if the stored one is still at version `expected` (its `updatedAt`; null: none
 * stored yet), in one transaction; false when another save came first.
 */
export async function putExportIfVersion(
  db: Database,
  definition: ExportDefinition,
  expected: number | null,
): Promise<boolean> {
  const tx = db.transaction('exports', 'readwrite');
  const stored = await tx.store.get(definition.id);
  const version =
    stored === undefined
      ? null
      : parseRecord(exportDefinitionSchema, 'exports', definition.id, stored).updatedAt;
  if (version !== expected) {
    await tx.done;
    return false;
  }
  await tx.store.put(exportDefinitionSchema.parse(definition));
  await tx.done;
  return true;
}

export async function deleteExport(db: Database, id: string): Promise<void> {
  await db.delete('exports', id);
}

/** Export names per source id. */
export async function exportNamesBySource(db: Database): Promise<Map<string, string[]>> {
  const bySource = new Map<string, string[]>();
  for (const definition of await listExports(db)) {
    for (const sourceId of new Set(definition.segments.map((s) => s.sourceId))) {
      bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), definition.name]);
    }
  }
  return bySource;
}
