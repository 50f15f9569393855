import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import type { StoreValue } from 'idb';
import { beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { exportDefinitionSchema } from '../../../src/core/export-definition.ts';
import { getLedgerEntry } from '../../../src/storage/ledger.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { CorruptRecordError, type connectionRecordSchema } from '../../../src/storage/records.ts';
import type { runRecordSchema } from '../../../src/storage/run-records.ts';
import type { ExportDb } from '../../../src/storage/schema.ts';
import { putRaw } from '../../support/stored-records.ts';
import { samples } from './sample-records.ts';

/**
 * Each store is declared with the type its zod schema accepts, so a wrong `put` fails `tsc`. The
 * `@ts-expect-error` lines below are checked by `npm run typecheck`: should a store lose its type,
 * the directive is unused and typecheck fails.
 */
async function wrongPuts(db: Database) {
  // @ts-expect-error a connection without its brand, key hint or consent
  await db.put('connections', { id: 'c1', displayName: 'Main brand' });
  // @ts-expect-error an export with a schedule the export form does not offer
  await db.put('exports', { ...samples.exports.value, schedule: { kind: 'hourly' } });
  // @ts-expect-error a run in a state the run state machine does not know
  await db.put('runs', { ...samples.runs.value, status: 'paused' });
  // @ts-expect-error the passphrase is kept as a hash, never as text
  await db.put('settings', 'correct horse battery', 'adminPassphrase');
  // @ts-expect-error a secret is sealed (IV and ciphertext), never stored as plaintext
  await db.put('vault', 'the API key', 'secret:c1');
  // @ts-expect-error a ledger chunk holds the tags this extension added for every email
  await db.put('ledgerChunks', { ...samples.ledgerChunks.value, tagBits: undefined });
  // @ts-expect-error rejected rows say why
  await db.put('runRejected', { ...samples.runRejected.value, reason: undefined });
  const problem = {
    kind: 'error' as const,
    field: 'Email',
    reason: 'email-invalid',
    count: 1,
    examples: [] as { position: number; email: string | null }[],
  };
  // @ts-expect-error a run's problems are of the kinds the tally knows
  await db.put('runs', { ...samples.runs.value, problems: [problem] });
  const file = samples.sources.value;
  if (file.kind !== 'file' || !file.current) return;
  // @ts-expect-error a file was read in one of the encodings the upload form offers
  await db.put('sources', { ...file, current: { ...file.current, encoding: 'latin-1' } });
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('typed stores', () => {
  test('declare each store with what its schema accepts', () => {
    expectTypeOf<StoreValue<ExportDb, 'connections'>>().toEqualTypeOf<
      z.input<typeof connectionRecordSchema>
    >();
    expectTypeOf<StoreValue<ExportDb, 'exports'>>().toEqualTypeOf<z.input<typeof exportDefinitionSchema>>();
    expectTypeOf<StoreValue<ExportDb, 'runs'>>().toEqualTypeOf<z.input<typeof runRecordSchema>>();
    expect(wrongPuts).toBeTypeOf('function');
  });

  test('still validate what they read: a damaged record is an explicit error, not a default', async () => {
    const db = await openDatabase();
    await db.put('ledgers', samples.ledgers.value);
    await db.put('ledgerChunks', samples.ledgerChunks.value);
    const { exportId } = samples.ledgers.value;
    expect(await getLedgerEntry(db, exportId, 'a@example.com')).toMatchObject({ tags: ['VIP'] });
    await putRaw(db, 'ledgerChunks', { ...samples.ledgerChunks.value, tagBits: 'VIP' });
    await expect(getLedgerEntry(db, exportId, 'a@example.com')).rejects.toBeInstanceOf(CorruptRecordError);
    db.close();
  });
});
