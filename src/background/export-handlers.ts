import type { ExportDefinition } from '../core/export-definition.ts';
import { mapProfile } from '../core/mapping/map-profile.ts';
import { suggestMapping } from '../core/mapping/suggest-mapping.ts';
import { sanitizeTag, tagForSegment } from '../core/tag-name.ts';
import type { ExportDraft, ExportSummary, PreviewRow, SegmentChoice } from '../messaging/protocol.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import { getConnection, listConnections } from '../storage/connections.ts';
import { deleteExport, getExport, listExports, putExport } from '../storage/exports.ts';
import { deleteLedgerForExports } from '../storage/ledger.ts';
import type { Database } from '../storage/open-database.ts';
import type { Roles } from './roles.ts';
import { HandledError, type Handlers } from './router.ts';
import type { SourceRegistry } from './source-registry.ts';

/** What the export engine tells the export list; the list works without it (no runs yet). */
export interface RunFacts {
  lastRun(exportId: string): Promise<ExportSummary['lastRun']>;
  nextRunAt(exportId: string): Promise<number | null>;
  /** Called after an export is saved or removed, so schedules and ledgers follow. */
  exportChanged(exportId: string, removed: boolean): Promise<void>;
}

export interface ExportDeps {
  ready: Promise<Database>;
  roles: Roles;
  sources: SourceRegistry;
  runs: RunFacts;
  now: () => number;
  newId: () => string;
}

type ExportHandlers = Pick<
  Handlers,
  | 'exports.list'
  | 'exports.get'
  | 'exports.segments'
  | 'exports.fields'
  | 'exports.preview'
  | 'exports.save'
  | 'exports.duplicate'
  | 'exports.remove'
>;

const fail = (code: string, message: string) => new HandledError({ code, message, retryable: false });

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

export function createExportHandlers(deps: ExportDeps): ExportHandlers {
  /** Contributors may only use connections shared with them, and only edit exports that use those. */
  async function requireUsableConnection(db: Database, connectionId: string | null) {
    if (connectionId === null) return;
    const connection = await getConnection(db, connectionId);
    if (!connection)
      throw fail('connection-missing', 'The chosen connection no longer exists. Choose another.');
    if (connection.shareWith === 'administrators' && (await deps.roles.current()) !== 'administrator') {
      throw fail(
        'administrator-only',
        'Only an administrator can use this connection. Unlock administrator in Settings.',
      );
    }
  }

  async function validate(db: Database, draft: ExportDraft, id: string | undefined): Promise<ExportDraft> {
    const others = (await listExports(db)).filter((e) => e.id !== id);
    if (others.some((e) => e.name.localeCompare(draft.name, undefined, { sensitivity: 'accent' }) === 0)) {
      throw fail(
        'duplicate-export-name',
        `An export named “${draft.name}” already exists. Choose another name.`,
      );
    }
    await requireUsableConnection(db, draft.connectionId);
    const segments = [];
    for (const segment of draft.segments) {
      const source = await deps.sources.sourceFor(segment.sourceId);
      if (!source) {
        throw fail('segment-missing', `The segment “${segment.displayName}” is no longer available.`);
      }
      if (draft.schedule.kind === 'after-refresh' && !(await reportsRefreshes(source, segment.segmentId))) {
        throw fail(
          'schedule-no-refresh',
          `“After each source refresh” cannot follow “${segment.displayName}”: its source publishes no refresh time. Choose another schedule.`,
        );
      }
      const tag = sanitizeTag(segment.tag);
      if (!tag.ok) throw fail('tag-invalid', `The tag for “${segment.displayName}” is empty after cleaning.`);
      segments.push({ ...segment, tag: tag.value });
    }
    const tags = segments.map((s) => s.tag.toLowerCase());
    if (new Set(tags).size !== tags.length) throw fail('tag-duplicate', 'Each segment needs its own tag.');
    return { ...draft, segments };
  }

  return {
    async 'exports.list'() {
      const db = await deps.ready;
      const [definitions, connections] = await Promise.all([listExports(db), listConnections(db)]);
      const names = new Map(connections.map((c) => [c.id, c.displayName]));
      const exports: ExportSummary[] = [];
      for (const e of definitions.sort((a, b) => a.name.localeCompare(b.name))) {
        const name = e.connectionId === null ? undefined : names.get(e.connectionId);
        exports.push({
          id: e.id,
          name: e.name,
          connection:
            e.connectionId !== null && name !== undefined ? { id: e.connectionId, displayName: name } : null,
          segments: e.segments.map((s) => ({ displayName: s.displayName, tag: s.tag })),
          schedule: e.schedule,
          syncMode: e.syncMode,
          lastRun: await deps.runs.lastRun(e.id),
          nextRunAt: await deps.runs.nextRunAt(e.id),
        });
      }
      return { exports };
    },

    async 'exports.get'({ id }) {
      const definition = await getExport(await deps.ready, id);
      if (!definition) throw fail('not-found', 'This export no longer exists.');
      const { name, connectionId, segments, mapping, syncMode, schedule } = definition;
      return { draft: { name, connectionId, segments, mapping, syncMode, schedule } };
    },

    async 'exports.segments'() {
      const segments: SegmentChoice[] = [];
      for (const { source, sourceIdOf } of await deps.sources.all()) {
        for (const s of await source.listSegments()) {
          segments.push({
            sourceId: sourceIdOf(s.id),
            segmentId: s.id,
            displayName: s.displayName,
            memberCount: s.memberCount,
            refreshTracked: s.lastRefreshedAt !== null,
            suggestedTag: tagForSegment(s.displayName, s.id),
          });
        }
      }
      return { segments };
    },

    async 'exports.fields'({ segments }) {
      const fields = new Set<string>();
      for (const { sourceId, segmentId } of segments) {
        const source = await deps.sources.sourceFor(sourceId);
        if (!source) throw fail('segment-missing', 'A chosen segment is no longer available.');
        for (const field of await source.describeFields(segmentId)) fields.add(field);
      }
      const list = [...fields];
      return { fields: list, suggested: suggestMapping(list) };
    },

    async 'exports.preview'({ segment, mapping, limit }) {
      const source = await deps.sources.sourceFor(segment.sourceId);
      if (!source) throw fail('segment-missing', 'The segment is no longer available.');
      const page = await source.readMembers(segment.segmentId, null);
      const rows: PreviewRow[] = page.rows.slice(0, limit).map((row) => {
        const result = mapProfile(row.values, mapping);
        if (!result.ok) {
          return {
            position: row.position,
            email: null,
            contact: null,
            problems: [{ field: result.rejection.field, reason: result.rejection.reason }],
          };
        }
        return {
          position: row.position,
          email: result.contact.identifiers[0]?.id ?? null,
          contact: JSON.stringify(result.contact, null, 2),
          problems: result.notes.map((n) => ({ field: n.field, reason: n.reason })),
        };
      });
      return { rows };
    },

    async 'exports.save'({ id, draft }) {
      const db = await deps.ready;
      const existing = id ? await getExport(db, id) : undefined;
      if (id && !existing) throw fail('not-found', 'This export no longer exists.');
      if (existing) await requireUsableConnection(db, existing.connectionId);
      const valid = await validate(db, draft, id);
      const now = deps.now();
      const definition: ExportDefinition = {
        ...valid,
        id: existing?.id ?? deps.newId(),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await putExport(db, definition);
      // The ledger says what one Omnisend brand already has; through another connection it no longer holds.
      if (existing && existing.connectionId !== definition.connectionId) {
        await deleteLedgerForExports(db, [definition.id]);
      }
      await deps.runs.exportChanged(definition.id, false);
      return { id: definition.id };
    },

    async 'exports.duplicate'({ id }) {
      const db = await deps.ready;
      const original = await getExport(db, id);
      if (!original) throw fail('not-found', 'This export no longer exists.');
      await requireUsableConnection(db, original.connectionId);
      const names = new Set((await listExports(db)).map((e) => e.name.toLowerCase()));
      let name = `${original.name} (copy)`;
      for (let n = 2; names.has(name.toLowerCase()); n++) name = `${original.name} (copy ${n})`;
      const now = deps.now();
      // A copy starts as "manual only": two exports must not push the same segment on one schedule by surprise.
      const copy: ExportDefinition = {
        ...original,
        id: deps.newId(),
        name: name.slice(0, 100),
        schedule: { kind: 'manual' },
        createdAt: now,
        updatedAt: now,
      };
      await putExport(db, copy);
      await deps.runs.exportChanged(copy.id, false);
      return { id: copy.id };
    },

    async 'exports.remove'({ id }) {
      const db = await deps.ready;
      const existing = await getExport(db, id);
      if (!existing) throw fail('not-found', 'This export no longer exists.');
      await requireUsableConnection(db, existing.connectionId);
      await deleteExport(db, id);
      await deps.runs.exportChanged(id, true);
      return { accepted: true };
    },
  };
}
