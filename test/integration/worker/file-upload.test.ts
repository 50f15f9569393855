import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { indexedDbFileStore } from '../../../src/background/file-store.ts';
import { createSourceHandlers } from '../../../src/background/source-handlers.ts';
import { FileSource } from '../../../src/sources/file/file-source.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { uploadFile } from './upload-file.ts';

let db: Database;
let ids = 0;
const ctx = { tabId: undefined, role: 'administrator' as const };

function handlers(usedBy = new Map<string, string[]>()) {
  return createSourceHandlers({
    db,
    now: () => 1_700_000_000_000,
    newId: () => `f${++ids}`,
    exportsBySource: async () => usedBy,
  });
}

function csv(rows: number, from = 0) {
  const lines = ['Email,FirstName'];
  for (let i = from; i < from + rows; i++) lines.push(`person${i}@example.com,Name ${i}`);
  return `${lines.join('\n')}\n`;
}

async function readAll(source: FileSource, id: string) {
  const rows = [];
  let cursor: string | null = null;
  do {
    const page = await source.readMembers(id, cursor);
    rows.push(...page.rows);
    cursor = page.next;
  } while (cursor !== null);
  return rows;
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  ids = 0;
});

describe('segment file upload', () => {
  test('stores a file in pages and reads it back as a segment, row for row', async () => {
    const h = handlers();
    const { file } = await uploadFile(h, csv(250), 'VIP');
    expect(file).toMatchObject({
      name: 'VIP',
      memberCount: 250,
      fields: ['Email', 'FirstName'],
      errorCount: 0,
    });
    const source = new FileSource(indexedDbFileStore(db));
    expect(await source.listSegments()).toEqual([
      { id: 'f1', displayName: 'VIP', memberCount: 250, lastRefreshedAt: 1_700_000_000_000 },
    ]);
    const rows = await readAll(source, 'f1');
    expect(rows).toHaveLength(250);
    expect(rows[0]).toEqual({
      key: 'line-2',
      position: 2,
      values: { Email: 'person0@example.com', FirstName: 'Name 0' },
    });
    expect(rows[249]?.values.Email).toBe('person249@example.com');
  });

  test('reports unreadable rows with their line numbers and keeps the rest', async () => {
    const { file } = await uploadFile(
      handlers(),
      'Email,FirstName\na@x.com,A\nb@x.com,B,extra\n"c@x.com,C\n',
      'Broken',
    );
    expect(file.memberCount).toBe(1);
    expect(file.errors).toEqual([
      { line: 3, reason: 'field-count' },
      { line: 4, reason: 'unterminated-quote' },
    ]);
  });

  test('keeps the encoding a file was read in, and counts the rows a wrong one garbled', async () => {
    const windows1254 = new Uint8Array([
      ...new TextEncoder().encode('Email,Name\na@x.com,Ay'),
      0xfe, // ş in Windows-1254, not UTF-8
      ...new TextEncoder().encode('e\nb@x.com,Can\n'),
    ]);
    const h = handlers();
    const wrong = await uploadFile(h, windows1254, 'Wrong');
    expect(wrong.file).toMatchObject({ encoding: 'utf-8', unreadableCount: 1, unreadableLines: [2] });
    const right = await uploadFile(h, windows1254, 'Right', wrong.file.id, 'windows-1254');
    expect(right.file).toMatchObject({ encoding: 'windows-1254', unreadableCount: 0, unreadableLines: [] });
    expect((await h['sources.list']({}, ctx)).files).toHaveLength(1);
  });

  test('replacing the file keeps its id, name and exports, and only the new rows remain', async () => {
    const h = handlers(new Map([['f1', ['Weekly VIP']]]));
    await uploadFile(h, csv(300), 'VIP');
    const { file } = await uploadFile(h, csv(120, 1_000), 'ignored', 'f1');
    expect(file).toMatchObject({ id: 'f1', name: 'VIP', memberCount: 120, usedBy: ['Weekly VIP'] });
    const rows = await readAll(new FileSource(indexedDbFileStore(db)), 'f1');
    expect(rows.map((r) => r.values.Email)).toEqual(
      Array.from({ length: 120 }, (_, i) => `person${1_000 + i}@example.com`),
    );
    expect(await db.count('fileRows')).toBe(2);
  });

  test('a run reading the old file is told that it was replaced, never given a mix', async () => {
    const h = handlers();
    await uploadFile(h, csv(250), 'VIP');
    const source = new FileSource(indexedDbFileStore(db));
    const first = await source.readMembers('f1', null);
    await uploadFile(h, csv(250, 500), 'VIP', 'f1');
    await expect(source.readMembers('f1', first.next)).rejects.toMatchObject({ code: 'file-replaced' });
  });

  test('an empty file is refused and the previous content stays', async () => {
    const h = handlers();
    await uploadFile(h, csv(10), 'VIP');
    await expect(uploadFile(h, 'Email,FirstName\n', 'VIP', 'f1')).rejects.toMatchObject({
      data: { code: 'file-empty' },
    });
    expect((await h['sources.list']({}, ctx)).files[0]).toMatchObject({ id: 'f1', memberCount: 10 });
  });

  test('pages of an aborted upload change nothing', async () => {
    const h = handlers();
    const { uploadId } = await h['files.begin'](
      { name: 'Gone', fileName: 'gone.csv', encoding: 'utf-8' },
      ctx,
    );
    await h['files.abort']({ uploadId }, ctx);
    await expect(
      h['files.page'](
        {
          uploadId,
          page: 0,
          fields: ['Email'],
          rows: [{ line: 2, values: { Email: 'a@b.co' } }],
          errors: [],
          unreadableLines: [],
        },
        ctx,
      ),
    ).rejects.toMatchObject({ data: { code: 'upload-unknown' } });
    expect((await h['sources.list']({}, ctx)).files).toEqual([]);
    expect(await db.count('fileRows')).toBe(0);
  });

  test('a file used by an export cannot be removed; an unused one is removed with its rows', async () => {
    await uploadFile(handlers(), csv(10), 'VIP');
    await expect(
      handlers(new Map([['f1', ['Weekly']]]))['files.remove']({ id: 'f1' }, ctx),
    ).rejects.toMatchObject({
      data: { code: 'source-in-use', details: ['Weekly'] },
    });
    await handlers()['files.remove']({ id: 'f1' }, ctx);
    expect(await db.count('sources')).toBe(0);
    expect(await db.count('fileRows')).toBe(0);
  });
});
