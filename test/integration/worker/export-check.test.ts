import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { createWorker } from '../../../src/background/create-worker.ts';
import { REMOTE_CHECK_ROWS } from '../../../src/background/export-checks.ts';
import { createSourceHandlers } from '../../../src/background/source-handlers.ts';
import { systemClock } from '../../../src/core/clock.ts';
import type { Mapping } from '../../../src/core/mapping/mapping.ts';
import type { CheckStatus } from '../../../src/messaging/protocol.ts';
import type { SegmentSource } from '../../../src/sources/segment-source.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { askAs, fakePlatform } from '../../support/fake-platform.ts';
import { uploadFile } from './upload-file.ts';

let db: Database;
let clock = 0;
const mapping: Mapping = { email: 'Email', firstName: 'Name', country: 'Country' };

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  clock = 1_700_000_000_000;
});

/** The check as the export form reaches it: through the worker `createWorker` builds. */
function checks(sources?: ReadonlyMap<string, SegmentSource>) {
  let ids = 0;
  const platform = fakePlatform({
    openDatabase: async () => db,
    clock: { now: () => clock, sleep: systemClock.sleep },
    newId: () => `c${++ids}`,
  });
  return askAs(createWorker(platform, sources ? { sources } : {}));
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

async function untilDone(ask: ReturnType<typeof checks>, first: CheckStatus): Promise<CheckStatus[]> {
  const seen = [first];
  let status = first;
  while (status.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 5));
    status = await ask('exports.checkStatus', { checkId: status.checkId });
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
    const ask = checks();
    const statuses = await untilDone(
      ask,
      await ask('exports.check', { segments: [{ sourceId: file.id, segmentId: file.id }], mapping }),
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
    const ask = checks(new Map([['ci', remote]]));
    const statuses = await untilDone(
      ask,
      await ask('exports.check', {
        segments: [{ sourceId: 'ci', segmentId: 's' }],
        mapping: { email: 'Email' },
      }),
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
    const ask = checks();
    const started = await ask('exports.check', {
      segments: [{ sourceId: file.id, segmentId: file.id }],
      mapping,
    });
    await ask('exports.checkCancel', { checkId: started.checkId });
    await expect(ask('exports.checkStatus', { checkId: started.checkId })).rejects.toMatchObject({
      code: 'check-unknown',
    });
    const missing = await untilDone(
      ask,
      await ask('exports.check', { segments: [{ sourceId: 'gone', segmentId: 'gone' }], mapping }),
    );
    expect(missing.at(-1)).toMatchObject({ state: 'failed', error: { code: 'segment-missing' } });
  });

  test('lists every ISO country code for the default-country choice', async () => {
    const { codes } = await checks()('exports.countries', {});
    expect(codes).toHaveLength(249);
    expect(codes).toContain('TR');
  });
});
