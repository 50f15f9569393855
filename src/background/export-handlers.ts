import type { ExportDefinition } from '../core/export-definition.ts';
import { suggestMapping } from '../core/mapping/suggest-mapping.ts';
import { tagForSegment } from '../core/tag-name.ts';
import type { ExportSummary, SegmentChoice } from '../messaging/protocol.ts';
import { listConnections } from '../storage/connections.ts';
import { deleteExport, getExport, listExports, putExport } from '../storage/exports.ts';
import { getLedgerHead } from '../storage/ledger.ts';
import { readAccess } from './access.ts';
import { type ExportServiceDeps, exportFailure as fail, saveExport } from './export-service.ts';
import type { Handlers } from './router.ts';

type ExportHandlers = Pick<
  Handlers,
  | 'exports.list'
  | 'exports.get'
  | 'exports.segments'
  | 'exports.fields'
  | 'exports.save'
  | 'exports.duplicate'
  | 'exports.remove'
>;

export function createExportHandlers(deps: ExportServiceDeps): ExportHandlers {
  return {
    async 'exports.list'(_, { role }) {
      const { db } = deps;
      const [access, connections] = await Promise.all([readAccess(db), listConnections(db)]);
      const names = new Map(connections.map((c) => [c.id, c.displayName]));
      const exports: ExportSummary[] = [];
      for (const e of access.exportsFor(role).sort((a, b) => a.name.localeCompare(b.name))) {
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
      const definition = await getExport(deps.db, id);
      if (!definition) throw fail('not-found');
      const { name, connectionId, segments, mapping, syncMode, schedule } = definition;
      return {
        draft: { name, connectionId, segments, mapping, syncMode, schedule },
        version: definition.updatedAt,
      };
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
        if (!source) throw fail('segment-missing');
        for (const field of await source.describeFields(segmentId)) fields.add(field);
      }
      const list = [...fields];
      return { fields: list, suggested: suggestMapping(list) };
    },

    async 'exports.save'({ id, version, draft, retireTags }) {
      return saveExport(
        deps,
        draft,
        id === undefined ? undefined : { id, version: version ?? null },
        retireTags,
      );
    },

    async 'exports.duplicate'({ id }) {
      const { db } = deps;
      const original = await getExport(db, id);
      if (!original) throw fail('not-found');
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

    async 'exports.remove'({ id, retireTags }) {
      const { db } = deps;
      const existing = await getExport(db, id);
      if (!existing) throw fail('not-found');
      await deleteExport(db, id);
      // Every tag the ledger holds for it: its segments' and those of earlier saves left in place.
      const tags = [...existing.segments.map((s) => s.tag), ...((await getLedgerHead(db, id))?.tags ?? [])];
      await deps.runs.exportChanged(id, true, retireTags ? { definition: existing, tags } : undefined);
      return { accepted: true };
    },
  };
}
