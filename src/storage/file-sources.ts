import { z } from 'zod';
import { fileErrorSchema, MAX_REPORTED_FILE_ERRORS } from '../core/file-parsing/reported-errors.ts';
import { type TextEncoding, textEncodings } from '../core/file-parsing/text-encoding.ts';
import { ownRecordSchema } from '../core/own-record.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * An uploaded segment file. Its rows live in `fileRows`, in pages, under a generation number: an
 * upload writes a new generation next to the current one and becomes current only when committed,
 * so replacing a file never leaves an export reading half of each; the old generation is deleted
 * after the commit.
 */
const fileContentSchema = z.object({
  fileName: z.string(),
  fields: z.array(z.string()),
  rowCount: z.number().int().nonnegative(),
  errorCount: z.number().int().nonnegative(),
  errors: z.array(fileErrorSchema),
  pages: z.number().int().nonnegative(),
  /** The encoding the file was read in; files uploaded before encodings were told were UTF-8. */
  encoding: z.enum(textEncodings).default('utf-8'),
  /** Rows with a value that did not decode (U+FFFD or NUL), and the first of their lines. */
  unreadableCount: z.number().int().nonnegative().default(0),
  unreadableLines: z.array(z.number().int().positive()).default([]),
});

export const fileSourceRecordSchema = z.object({
  id: z.string(),
  kind: z.literal('file'),
  name: z.string(),
  /** The committed content; null until the first upload is committed. */
  current: fileContentSchema.extend({ generation: z.number().int(), uploadedAt: z.number() }).nullable(),
  /** An upload in progress; `touchedAt`: when its last page came (0: stored before it was kept). */
  upload: fileContentSchema
    .extend({ generation: z.number().int(), name: z.string(), touchedAt: z.number().default(0) })
    .nullable(),
});
export type FileSourceRecord = z.infer<typeof fileSourceRecordSchema>;

/** Lines kept to show where undecodable text is; beyond that it is only counted. */
const MAX_REPORTED_UNREADABLE_LINES = 100;

/** One page of an upload's rows, keyed by source, generation and page. */
export const fileRowsRecordSchema = z.object({
  sourceId: z.string(),
  generation: z.number().int(),
  page: z.number().int().nonnegative(),
  rows: z.array(z.object({ line: z.number(), values: ownRecordSchema(z.string()) })),
});
export type FileRow = z.infer<typeof fileRowsRecordSchema>['rows'][number];

function parseSource(value: unknown, id: string): FileSourceRecord {
  return parseRecord(fileSourceRecordSchema, 'sources', id, value);
}

export async function listFileSources(db: Database): Promise<FileSourceRecord[]> {
  const all = await db.getAll('sources');
  return all
    .filter((v) => (v as { kind?: unknown }).kind === 'file')
    .map((v) => parseSource(v, String((v as { id?: unknown }).id)));
}

export async function getFileSource(db: Database, id: string): Promise<FileSourceRecord | undefined> {
  const value = await db.get('sources', id);
  return value === undefined ? undefined : parseSource(value, id);
}

/**
 * The records the file parser could not read in a source's current upload, or undefined when the
 * source is not a file (the store holds Customer Insights environments too).
 */
export async function fileParseErrors(
  db: Database,
  id: string,
): Promise<{ errors: z.infer<typeof fileErrorSchema>[]; total: number } | undefined> {
  const value = await db.get('sources', id);
  if (value?.kind !== 'file') return undefined;
  const current = parseSource(value, id).current;
  return current ? { errors: current.errors, total: current.errorCount } : undefined;
}

export async function beginFileUpload(
  db: Database,
  input: {
    id: string;
    name: string;
    fileName: string;
    encoding: TextEncoding;
    replace: boolean;
    now: number;
  },
): Promise<number> {
  const tx = db.transaction('sources', 'readwrite');
  const stored = await tx.store.get(input.id);
  const existing = stored === undefined ? undefined : parseSource(stored, input.id);
  if (input.replace && !existing) throw new Error('missing source');
  const generation = (existing?.current?.generation ?? 0) + 1 + (existing?.upload ? 1 : 0);
  const record: FileSourceRecord = {
    id: input.id,
    kind: 'file',
    name: existing?.name ?? input.name,
    current: existing?.current ?? null,
    upload: {
      generation,
      name: input.name,
      fileName: input.fileName,
      fields: [],
      rowCount: 0,
      errorCount: 0,
      errors: [],
      pages: 0,
      encoding: input.encoding,
      unreadableCount: 0,
      unreadableLines: [],
      touchedAt: input.now,
    },
  };
  await tx.store.put(record);
  await tx.done;
  return generation;
}

export async function writeFileRowsPage(
  db: Database,
  id: string,
  generation: number,
  page: {
    page: number;
    fields: string[];
    rows: FileRow[];
    errors: z.infer<typeof fileErrorSchema>[];
    unreadableLines: number[];
    now: number;
  },
): Promise<boolean> {
  const tx = db.transaction(['sources', 'fileRows'], 'readwrite');
  const stored = await tx.objectStore('sources').get(id);
  const record = stored === undefined ? undefined : parseSource(stored, id);
  const upload = record?.upload;
  // A page of another (aborted or superseded) upload, or one sent twice, changes nothing.
  if (!record || !upload || upload.generation !== generation || page.page !== upload.pages) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return false;
  }
  if (page.rows.length) {
    await tx.objectStore('fileRows').put({ sourceId: id, generation, page: upload.pages, rows: page.rows });
  }
  const errors = upload.errors.concat(page.errors).slice(0, MAX_REPORTED_FILE_ERRORS);
  await tx.objectStore('sources').put({
    ...record,
    upload: {
      ...upload,
      // JSON lines reveal their fields as they go: the latest list is the fullest.
      fields: page.fields.length >= upload.fields.length ? page.fields : upload.fields,
      rowCount: upload.rowCount + page.rows.length,
      errorCount: upload.errorCount + page.errors.length,
      errors,
      pages: upload.pages + (page.rows.length ? 1 : 0),
      touchedAt: page.now,
      unreadableCount: upload.unreadableCount + page.unreadableLines.length,
      unreadableLines: upload.unreadableLines
        .concat(page.unreadableLines)
        .slice(0, MAX_REPORTED_UNREADABLE_LINES),
    },
  });
  await tx.done;
  return true;
}

function generationRange(id: string, generation: number) {
  return IDBKeyRange.bound([id, generation, 0], [id, generation, Number.MAX_SAFE_INTEGER]);
}

export async function commitFileUpload(db: Database, id: string, generation: number, now: number) {
  const tx = db.transaction(['sources', 'fileRows'], 'readwrite');
  const stored = await tx.objectStore('sources').get(id);
  const record = stored === undefined ? undefined : parseSource(stored, id);
  if (!record?.upload || record.upload.generation !== generation) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return undefined;
  }
  const { name, ...content } = record.upload;
  const previous = record.current?.generation;
  const committed: FileSourceRecord = {
    ...record,
    name: record.current ? record.name : name,
    current: { ...content, uploadedAt: now },
    upload: null,
  };
  await tx.objectStore('sources').put(committed);
  if (previous !== undefined) await tx.objectStore('fileRows').delete(generationRange(id, previous));
  await tx.done;
  return committed;
}

export async function abortFileUpload(db: Database, id: string, generation: number) {
  const tx = db.transaction(['sources', 'fileRows'], 'readwrite');
  const stored = await tx.objectStore('sources').get(id);
  const record = stored === undefined ? undefined : parseSource(stored, id);
  await tx.objectStore('fileRows').delete(generationRange(id, generation));
  if (record?.upload?.generation === generation) {
    if (record.current) await tx.objectStore('sources').put({ ...record, upload: null });
    else await tx.objectStore('sources').delete(id);
  }
  await tx.done;
}

/**
 * An upload left behind (its tab closed before it was committed or aborted) is aborted once no
 * page came for `UPLOAD_ABANDONED_MS`: its rows go, and a new file's source, never shown, too.
 */
export const UPLOAD_ABANDONED_MS = 60 * 60_000;

export async function sweepAbandonedUploads(db: Database, now: number): Promise<void> {
  for (const source of await listFileSources(db)) {
    const { upload } = source;
    if (upload && upload.touchedAt < now - UPLOAD_ABANDONED_MS)
      await abortFileUpload(db, source.id, upload.generation);
  }
}

export async function renameFileSource(db: Database, id: string, name: string): Promise<boolean> {
  const tx = db.transaction('sources', 'readwrite');
  const stored = await tx.store.get(id);
  if (stored === undefined) {
    await tx.done;
    return false;
  }
  await tx.store.put({ ...parseSource(stored, id), name });
  await tx.done;
  return true;
}

export async function removeFileSource(db: Database, id: string) {
  const tx = db.transaction(['sources', 'fileRows'], 'readwrite');
  await tx
    .objectStore('fileRows')
    .delete(IDBKeyRange.bound([id, 0, 0], [id, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]));
  await tx.objectStore('sources').delete(id);
  await tx.done;
}

export async function readFileRowsPage(
  db: Database,
  id: string,
  generation: number,
  page: number,
): Promise<FileRow[] | undefined> {
  const value = await db.get('fileRows', [id, generation, page]);
  if (value === undefined) return undefined;
  return parseRecord(fileRowsRecordSchema, 'fileRows', [id, generation, page], value).rows;
}
