import type { FileStore, StoredFile } from '../sources/file/file-source.ts';
import {
  type FileSourceRecord,
  getFileSource,
  listFileSources,
  readFileRowsPage,
} from '../storage/file-sources.ts';
import type { Database } from '../storage/open-database.ts';

function stored(record: FileSourceRecord): StoredFile | undefined {
  const current = record.current;
  if (!current) return undefined;
  return {
    id: record.id,
    name: record.name,
    fields: current.fields,
    rowCount: current.rowCount,
    pages: current.pages,
    generation: current.generation,
    uploadedAt: current.uploadedAt,
  };
}

/** The file source's view of IndexedDB: committed uploads only. */
export function indexedDbFileStore(db: Database): FileStore {
  return {
    async list() {
      return (await listFileSources(db)).flatMap((r) => stored(r) ?? []);
    },
    async get(id) {
      const record = await getFileSource(db, id);
      return record && stored(record);
    },
    async readPage(id, generation, page) {
      return readFileRowsPage(db, id, generation, page);
    },
  };
}
