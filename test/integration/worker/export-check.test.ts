import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { createCheckHandlers } from '../../../src/background/check-handlers.ts';
import { ExportChecks, REMOTE_CHECK_ROWS } from '../../../src/background/export-checks.ts';
import { createSourceHandlers } from '../../../src/background/source-handlers.ts';
import { SourceRegistry } from '../../../src/background/source-registry.ts';
import type { Mapping } from '../../../src/core/mapping/mapping.ts';
import type { CheckStatus } from '../../../src/messaging/protocol.ts';
import type { SegmentSource } from '../../../src/sources/segment-source.ts';
import { fileParseErrors } from '../../../src/storage/file-sources.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { uploadFile } from './upload-file.ts';

let db: Database;
let clock = 0;
const ctx = { tabId: undefined };
const mapping: Mapping = { email: 'Email', firstName: 'Name', country: 'Country' };

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  clock = 1_700_000_000_000;
});

function checks(sourceFor?: (id: string) => Promise<SegmentSource | undefined>) {
  const registry = new SourceRegistry(db);
  let ids = 0;
  return createCheckHandlers(
    new ExportChecks({
      sourceFor: sourceFor ?? ((id) => registry.sourceFor(id)),
      fileErrors: (id) => fileParseErrors(db, id),
      now: () => clock,
      newId: () => `c${++ids}`,
      today: () => '2026-08-20',
    }),
  );
}

async function upload(text: string) {
  let ids = 0;
  const sources = createSourceHandlers({
    db,
    now: () => clock,
    newId: () => `f${++ids}`,
    exportsBySource: async () => new Map(),
  });
  return (await uploadFile(sources, text, 'Members')).file;
}

async function untilDone(h: ReturnType<typeof checks>, first: CheckStatus): Promise<CheckStatus[]> {
  const seen = [first];
  let status = first;
  while (status.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 5));
    status = await h['exports.checkStatus']({ checkId: status.checkId }, ctx);
    seen.push(status);
  }
  return seen;
}

describe('the whole-file check in the worker', () => {
  test('reads every stored row of the file, reporting progress, and counts what a run would do', async () => {
    const lines = ['Email,Name,Country'];
    for (let i = 0; i < 5_000; i++) {
      const email = i % 100 === 99 ? `broken-${i}` : `person${i % 4_900}@example.com`;
      lines.push(`${email},Ayşe ${i},${i % 10 === 0 ? 'N/A' : i % 10 === 1 ? 'Atlantis' : 'Türkiye'}`);
    }
    lines.push('x@example.com,"never closed');
    const file = await upload(`${lines.join('\n')}\n`);
    const h = checks();
    const statuses = await untilDone(
      h,
      await h['exports.check']({ segments: [{ sourceId: file.id, segmentId: file.id }], mapping }, ctx),
    );
    const last = statuses.at(-1) as CheckStatus;
    expect(last).toMatchObject({
      state: 'done',
      rowsRead: 5_000,
      rowsTotal: 5_000,
      limitedTo: null,
      error: null,
    });
    // The file is read page by page: the page sees the count grow before the end.
    expect(statuses.some((s) => s.state === 'running' && s.rowsRead > 0 && s.rowsRead < 5_000)).toBe(true);
    expect(last.result).toMatchObject({
      rowsChecked: 5_001,
      // person0…person98 come again in the last hundred rows; every hundredth row is broken.
      contacts: 4_851,
      rowsNotSent: 50 + 99 + 1,
      valuesLeftOut: 490,
      warnings: 0,
    });
    const counts = Object.fromEntries(
      last.result.groups.map((g) => [`${g.kind} ${g.field} ${g.reason}`, g.count]),
    );
    expect(counts).toEqual({
      'row Email email-invalid': 50,
      'row Email email-duplicate': 99,
      'row  unterminated-quote': 1,
      'field Country country-unknown': 490,
    });
    expect(last.result.preview).toHaveLength(10);
  });

  test('stops at the first rows of a remote segment and says so', async () => {
    // A Customer Insights environment shares the sources store with files.
    await db.put('sources', {
      id: 'ci',
      kind: 'customer-insights',
      environmentId: 'e',
      name: null,
      tenant: 't',
      clientId: 'c',
      keyHint: 'AAAA',
      signedInAt: null,
      signInRequired: false,
      createdAt: 1,
      updatedAt: 1,
    });
    const remote: SegmentSource = {
      listSegments: async () => [{ id: 's', displayName: 'S', memberCount: 50_000, lastRefreshedAt: null }],
      describeFields: async () => ['Email'],
      readMembers: async (_, cursor) => {
        const from = cursor === null ? 0 : Number(cursor);
        const rows = Array.from({ length: 1_000 }, (_, i) => ({
          key: String(from + i),
          position: from + i + 1,
          values: { Email: `p${from + i}@x.com` },
        }));
        return { rows, next: String(from + 1_000) };
      },
    };
    const h = checks(async () => remote);
    const statuses = await untilDone(
      h,
      await h['exports.check'](
        { segments: [{ sourceId: 'ci', segmentId: 's' }], mapping: { email: 'Email' } },
        ctx,
      ),
    );
    expect(statuses.at(-1)).toMatchObject({
      state: 'done',
      rowsRead: REMOTE_CHECK_ROWS,
      rowsTotal: 50_000,
      limitedTo: REMOTE_CHECK_ROWS,
      result: { contacts: REMOTE_CHECK_ROWS },
    });
  });

  test('a cancelled or forgotten check is unknown, and a missing segment fails with a reason', async () => {
    const file = await upload('Email\na@x.com\n');
    const h = checks();
    const started = await h['exports.check'](
      { segments: [{ sourceId: file.id, segmentId: file.id }], mapping },
      ctx,
    );
    await h['exports.checkCancel']({ checkId: started.checkId }, ctx);
    await expect(h['exports.checkStatus']({ checkId: started.checkId }, ctx)).rejects.toMatchObject({
      data: { code: 'check-unknown' },
    });
    const missing = await untilDone(
      h,
      await h['exports.check']({ segments: [{ sourceId: 'gone', segmentId: 'gone' }], mapping }, ctx),
    );
    expect(missing.at(-1)).toMatchObject({ state: 'failed', error: { code: 'segment-missing' } });
  });

  test('lists every ISO country code for the default-country choice', async () => {
    const { codes } = await checks()['exports.countries']({}, ctx);
    expect(codes).toHaveLength(249);
    expect(codes).toContain('TR');
  });
});
