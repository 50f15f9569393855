import type { ExportDefinition } from '../core/export-definition.ts';
import { sanitizeTag } from '../core/tag-name.ts';
import type { ExportDraft, ExportSummary } from '../messaging/protocol.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import { getConnection } from '../storage/connections.ts';
import { getExport, listExports, putExportIfVersion } from '../storage/exports.ts';
import { deleteLedgerForExports } from '../storage/ledger.ts';
import type { Database } from '../storage/open-database.ts';
import type { RetireRequest } from './engine/engine.ts';
import { refusal as exportFailure } from './router.ts';
import type { SourceRegistry } from './source-registry.ts';

/** What the export engine tells the export list, and hears when an export changes. */
export interface RunFacts {
  lastRun(exportId: string): Promise<ExportSummary['lastRun']>;
  nextRunAt(exportId: string): Promise<number | null>;
  /**
   * Called after an export is saved or removed, so schedules and ledgers follow; with `retire`,
   * a run takes those tags back from the contacts this extension gave them to.
   */
  exportChanged(exportId: string, removed: boolean, retire?: RetireRequest): Promise<void>;
}

export interface ExportServiceDeps {
  db: Database;
  sources: SourceRegistry;
  runs: RunFacts;
  now: () => number;
  newId: () => string;
}

export { exportFailure };

/** Whether the sender may use the connection is the permission table's (permissions.ts); this checks that it exists. */
async function requireConnection(db: Database, connectionId: string | null): Promise<void> {
  if (connectionId !== null && !(await getConnection(db, connectionId)))
    throw exportFailure('connection-missing');
}

/**
 * Whether the source reports when a segment was last refreshed, which "After each source refresh"
 * watches. Customer Insights through Dataverse does not; a source that cannot be asked now gets
 * the benefit of the doubt (the scheduler skips a segment without a refresh time).
 */
async function reportsRefreshes(source: SegmentSource, segmentId: string): Promise<boolean> {
  const segments = await source.listSegments().catch(() => null);
  const segment = segments?.find((s) => s.id.toLowerCase() === segmentId.toLowerCase());
  return segment === undefined || segment.lastRefreshedAt !== null;
}

async function validate(deps: ExportServiceDeps, draft: ExportDraft, id: string | undefined) {
  const others = (await listExports(deps.db)).filter((e) => e.id !== id);
  if (others.some((e) => e.name.localeCompare(draft.name, undefined, { sensitivity: 'accent' }) === 0)) {
    throw exportFailure('duplicate-export-name');
  }
  await requireConnection(deps.db, draft.connectionId);
  const segments = [];
  for (const segment of draft.segments) {
    const source = await deps.sources.sourceFor(segment.sourceId);
    if (!source) {
      throw exportFailure('segment-missing');
    }
    if (draft.schedule.kind === 'after-refresh' && !(await reportsRefreshes(source, segment.segmentId))) {
      throw exportFailure('schedule-no-refresh', { params: { name: segment.displayName } });
    }
    const tag = sanitizeTag(segment.tag);
    if (!tag.ok) throw exportFailure('tag-invalid', { params: { name: segment.displayName } });
    segments.push({ ...segment, tag: tag.value });
  }
  const tags = segments.map((s) => s.tag.toLowerCase());
  if (new Set(tags).size !== tags.length) throw exportFailure('tag-duplicate');
  return { ...draft, segments };
}

/**
 * Saves an export (a new one when `id` is absent) after checking it the way the export form's
 * Save does; the popup's "Export now" saves through here too. Saving never runs it.
 */
export async function saveExport(
  deps: ExportServiceDeps,
  draft: ExportDraft,
  /** The export to change and the version (`updatedAt`) the form loaded; absent: a new export. */
  target?: { id: string; version: number | null },
  /** Take back the tags this save stops using (retiredTags), through the same connection. */
  retireTags = false,
): Promise<{ id: string }> {
  const { db } = deps;
  const id = target?.id;
  const existing = id ? await getExport(db, id) : undefined;
  if (id && !existing) throw exportFailure('not-found');
  if (existing && existing.updatedAt !== target?.version) throw exportFailure('export-changed');
  const valid = await validate(deps, draft, id);
  const now = deps.now();
  const definition: ExportDefinition = {
    ...valid,
    id: existing?.id ?? deps.newId(),
    createdAt: existing?.createdAt ?? now,
    // Strictly newer, so that two saves in one millisecond are still two versions.
    updatedAt: existing ? Math.max(now, existing.updatedAt + 1) : now,
  };
  // Checked again in the write's own transaction: another page may have saved while we validated.
  if (!(await putExportIfVersion(db, definition, existing?.updatedAt ?? null)))
    throw exportFailure('export-changed');
  // The ledger says what one Omnisend brand already has; through another connection it no longer holds.
  if (existing && existing.connectionId !== definition.connectionId) {
    await deleteLedgerForExports(db, [definition.id]);
  }
  const retired = existing && retireTags ? retiredTags(existing, definition) : [];
  await deps.runs.exportChanged(
    definition.id,
    false,
    // The old export's connection is the brand the tags went to.
    existing && retired.length > 0 ? { definition: existing, tags: retired } : undefined,
  );
  return { id: definition.id };
}

/**
 * The tags an export stops using when `before` is saved as `after`: its segments' tags that no
 * segment keeps (a segment removed, a tag renamed). None when the connection changes: the ledger
 * of the old brand is gone with it, so nothing proves what this extension added there.
 */
export function retiredTags(before: ExportDefinition, after: ExportDefinition): string[] {
  if (before.connectionId !== after.connectionId) return [];
  const kept = new Set(after.segments.map((s) => s.tag));
  return before.segments.map((s) => s.tag).filter((tag) => !kept.has(tag));
}
