import type { FileSegmentView, Role } from '../messaging/protocol.ts';
import {
  abortFileUpload,
  beginFileUpload,
  commitFileUpload,
  type FileSourceRecord,
  getFileSource,
  listFileSources,
  removeFileSource,
  renameFileSource,
  writeFileRowsPage,
} from '../storage/file-sources.ts';
import type { Database } from '../storage/open-database.ts';
import { refusal as fail, type Handlers } from './router.ts';
import { parseUploadId, uploadIdOf } from './upload-id.ts';

export interface SourceDeps {
  db: Database;
  now: () => number;
  newId: () => string;
  /** Export names per source id, as the role may see them, to say what a file is used by. */
  exportsBySource: (role: Role) => Promise<Map<string, string[]>>;
}

type SourceHandlers = Pick<
  Handlers,
  | 'sources.list'
  | 'files.begin'
  | 'files.page'
  | 'files.commit'
  | 'files.abort'
  | 'files.rename'
  | 'files.remove'
>;

function view(record: FileSourceRecord, usedBy: string[]): FileSegmentView | undefined {
  const current = record.current;
  if (!current) return undefined;
  return {
    id: record.id,
    kind: 'file',
    name: record.name,
    fileName: current.fileName,
    fields: current.fields,
    memberCount: current.rowCount,
    errorCount: current.errorCount,
    errors: current.errors,
    encoding: current.encoding,
    unreadableCount: current.unreadableCount,
    unreadableLines: current.unreadableLines,
    uploadedAt: current.uploadedAt,
    usedBy,
  };
}

function uploadOf(uploadId: string): { id: string; generation: number } {
  const upload = parseUploadId(uploadId);
  if (upload === null) throw fail('upload-unknown');
  return upload;
}

export function createSourceHandlers(deps: SourceDeps): SourceHandlers {
  return {
    async 'sources.list'(_, { role }) {
      const { db } = deps;
      const [records, users] = await Promise.all([listFileSources(db), deps.exportsBySource(role)]);
      const files = records
        .flatMap((r) => view(r, users.get(r.id) ?? []) ?? [])
        .sort((a, b) => b.uploadedAt - a.uploadedAt);
      return { files };
    },

    async 'files.begin'({ name, fileName, encoding, replaceSourceId }) {
      const { db } = deps;
      if (replaceSourceId && !(await getFileSource(db, replaceSourceId))) {
        throw fail('not-found');
      }
      const id = replaceSourceId ?? deps.newId();
      const generation = await beginFileUpload(db, {
        id,
        name,
        fileName,
        encoding,
        replace: Boolean(replaceSourceId),
        now: deps.now(),
      });
      return { uploadId: uploadIdOf(id, generation) };
    },

    async 'files.page'({ uploadId, page, fields, rows, errors, unreadableLines }) {
      const { id, generation } = uploadOf(uploadId);
      const written = await writeFileRowsPage(deps.db, id, generation, {
        page,
        fields,
        rows,
        errors,
        unreadableLines,
        now: deps.now(),
      });
      if (!written) throw fail('upload-unknown');
      return { accepted: true };
    },

    async 'files.commit'({ uploadId }, { role }) {
      const { id, generation } = uploadOf(uploadId);
      const { db } = deps;
      const pending = (await getFileSource(db, id))?.upload;
      if (pending?.generation === generation && pending.rowCount === 0) {
        // An empty upload would replace good data with nothing; keep what was there.
        await abortFileUpload(db, id, generation);
        throw fail('file-empty');
      }
      const committed = await commitFileUpload(db, id, generation, deps.now());
      const file = committed && view(committed, (await deps.exportsBySource(role)).get(id) ?? []);
      if (!file) throw fail('upload-unknown');
      return { file };
    },

    async 'files.abort'({ uploadId }) {
      const { id, generation } = uploadOf(uploadId);
      await abortFileUpload(deps.db, id, generation);
      return { accepted: true };
    },

    async 'files.rename'({ id, name }) {
      if (!(await renameFileSource(deps.db, id, name))) {
        throw fail('not-found');
      }
      return { accepted: true };
    },

    async 'files.remove'({ id }, { role }) {
      const users = (await deps.exportsBySource(role)).get(id) ?? [];
      if (users.length) {
        throw fail('source-in-use', { details: users });
      }
      await removeFileSource(deps.db, id);
      return { accepted: true };
    },
  };
}
