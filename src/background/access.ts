import type { ExportDefinition } from '../core/export-definition.ts';
import type { Role } from '../messaging/protocol.ts';
import { listConnections } from '../storage/connections.ts';
import { listExports } from '../storage/exports.ts';
import type { Database } from '../storage/open-database.ts';
import type { ConnectionRecord } from '../storage/records.ts';
import { getRun } from '../storage/run-records.ts';
import { parseUploadId } from './upload-id.ts';

/** Who may use an object: administrators only, or contributors too. */
export type Audience = 'administrators' | 'everyone';

/** An object a message names, as the permission table reads it off the request. */
export type ObjectRef =
  | { kind: 'connection'; id: string | null | undefined }
  | { kind: 'export'; id: string | undefined }
  | { kind: 'run'; id: string }
  /** A segment file or a Customer Insights environment (its record id is the source id). */
  | { kind: 'source'; id: string | undefined }
  | { kind: 'upload'; id: string };

/** What a run tells about what it used: its export, and the connection it was started with. */
export interface RunOwner {
  exportId: string;
  definition: { connectionId: string | null };
}

/**
 * The rule of DESIGN.md §7, object by object: a connection is for administrators unless it is
 * shared with contributors; an export is as its connection (none, or one that no longer exists, is
 * everyone's: a contributor may choose a shared one); a run is as its export, or — once the export
 * is gone — as the connection it ran with; a source is administrators' as soon as one
 * administrator-only export reads it, so a contributor cannot replace, rename or remove the rows an
 * administrator's export sends. A snapshot: read it again after a change.
 */
export class AccessMap {
  readonly #connections: Map<string, ConnectionRecord>;
  readonly #exports: Map<string, ExportDefinition>;
  readonly #administratorSources = new Set<string>();

  constructor(connections: ConnectionRecord[], exports: ExportDefinition[]) {
    this.#connections = new Map(connections.map((c) => [c.id, c]));
    this.#exports = new Map(exports.map((e) => [e.id, e]));
    for (const definition of exports) {
      if (this.ofExport(definition) === 'administrators')
        for (const segment of definition.segments) this.#administratorSources.add(segment.sourceId);
    }
  }

  ofConnection(id: string | null | undefined): Audience {
    const connection = id == null ? undefined : this.#connections.get(id);
    return connection?.shareWith === 'administrators' ? 'administrators' : 'everyone';
  }

  ofExport(definition: Pick<ExportDefinition, 'connectionId'>): Audience {
    return this.ofConnection(definition.connectionId);
  }

  ofExportId(id: string | undefined): Audience {
    const definition = id === undefined ? undefined : this.#exports.get(id);
    return definition ? this.ofExport(definition) : 'everyone';
  }

  ofRun(run: RunOwner): Audience {
    const current = this.#exports.get(run.exportId);
    return this.ofExport(current ?? run.definition);
  }

  hasExport(id: string): boolean {
    return this.#exports.has(id);
  }

  ofSource(id: string | undefined): Audience {
    return id !== undefined && this.#administratorSources.has(id) ? 'administrators' : 'everyone';
  }

  /** The exports `role` may see, and therefore name (in "used by", in the popup). */
  exportsFor(role: Role): ExportDefinition[] {
    return [...this.#exports.values()].filter((e) => mayUse(role, this.ofExport(e)));
  }

  /** Export names per source id, as `role` may see them. */
  exportNamesBySource(role: Role): Map<string, string[]> {
    const bySource = new Map<string, string[]>();
    for (const definition of this.exportsFor(role)) {
      for (const sourceId of new Set(definition.segments.map((s) => s.sourceId))) {
        bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), definition.name]);
      }
    }
    return bySource;
  }
}

export const mayUse = (role: Role, audience: Audience) => role === 'administrator' || audience === 'everyone';

export async function readAccess(db: Database): Promise<AccessMap> {
  const [connections, exports] = await Promise.all([listConnections(db), listExports(db)]);
  return new AccessMap(connections, exports);
}

/** The audience of one object a message names; an object that does not exist is nobody's secret. */
export async function audienceOf(db: Database, ref: ObjectRef): Promise<Audience> {
  const access = await readAccess(db);
  switch (ref.kind) {
    case 'connection':
      return access.ofConnection(ref.id);
    case 'export':
      return access.ofExportId(ref.id);
    case 'source':
      return access.ofSource(ref.id);
    case 'upload':
      return access.ofSource(parseUploadId(ref.id)?.id);
    case 'run':
      return runAudience(db, access, ref.id, undefined);
  }
}

/** A run's audience; its stored record is read only when its export is gone (or unknown). */
export async function runAudience(
  db: Database,
  access: AccessMap,
  runId: string,
  exportId: string | undefined,
): Promise<Audience> {
  if (exportId !== undefined && access.hasExport(exportId)) return access.ofExportId(exportId);
  const run = await getRun(db, runId);
  return run ? access.ofRun(run) : 'everyone';
}
