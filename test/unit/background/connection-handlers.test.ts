import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { createConnectionHandlers } from '../../../src/background/connection-handlers.ts';
import { secretPlacement } from '../../../src/background/secret-placement.ts';
import type { RunError } from '../../../src/core/run/run-state.ts';
import { PRIVACY_STATEMENT_VERSION } from '../../../src/messaging/protocol.ts';
import type { OmnisendApi } from '../../../src/omnisend/client.ts';
import { InvalidApiKeyError } from '../../../src/omnisend/errors.ts';
import { type Database, openDatabase } from '../../../src/storage/open-database.ts';
import { Vault } from '../../../src/storage/vault.ts';
import { storedExport } from '../../support/stored-records.ts';

const KEYS: Record<string, { brandID: string; name: string }> = {
  'key-brand-one-AAAA': { brandID: 'b1', name: 'Brand One' },
  'key-brand-one-BBBB': { brandID: 'b1', name: 'Brand One' },
  'key-brand-two-CCCC': { brandID: 'b2', name: 'Brand Two' },
};

/** Omnisend as far as connections see it: which brand a key belongs to. */
function fakeOmnisend(apiKey: string): OmnisendApi {
  return {
    getBrand: async () => {
      const brand = KEYS[apiKey];
      if (!brand) throw new InvalidApiKeyError({ requestId: 'urn:omnisend:request:1' });
      return brand;
    },
  } as unknown as OmnisendApi;
}

let db: Database;
let ids = 0;

async function setup() {
  const vault = new Vault({ db, unlockedKey: async () => null, placement: (id) => secretPlacement(db, id) });
  const canceled: { connectionId: string; reason: RunError; keepWaitingForKey?: boolean }[] = [];
  const resumed: string[] = [];
  const handlers = createConnectionHandlers({
    db,
    vault,
    runs: {
      cancelRunsUsing: async (connectionId, reason, options) => {
        canceled.push({ connectionId, reason, ...options });
      },
      resume: async () => {
        resumed.push(await vault.get('c1'));
      },
    },
    omnisend: fakeOmnisend,
    snapshotOf: async () => ({ listedAt: 4_000, count: 12, reading: null }),
    now: () => 5_000,
    newId: () => `c${++ids}`,
  });
  return { handlers, vault, canceled, resumed };
}

const ctx = { tabId: undefined, role: 'administrator' as const };
const save = (fields: Record<string, unknown>) => ({
  displayName: 'Main brand',
  shareWith: 'administrators' as const,
  agreed: true as const,
  statementVersion: PRIVACY_STATEMENT_VERSION,
  ...fields,
});

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  ids = 0;
});

describe('connections', () => {
  test('a checked key is saved with its brand, its consent and only a hint of the key', async () => {
    const { handlers, vault } = await setup();
    expect(await handlers['connections.check']({ apiKey: 'key-brand-one-AAAA' }, ctx)).toEqual({
      brand: { id: 'b1', name: 'Brand One' },
    });
    const { connection } = await handlers['connections.save'](save({ apiKey: 'key-brand-one-AAAA' }), ctx);
    expect(connection).toMatchObject({
      id: 'c1',
      brand: { name: 'Brand One' },
      keyHint: '••••AAAA',
      usedBy: [],
    });
    expect(await vault.get('c1')).toBe('key-brand-one-AAAA');
    const stored = await db.get('connections', 'c1');
    expect(stored).toMatchObject({
      consent: { agreedAt: 5_000, statementVersion: PRIVACY_STATEMENT_VERSION },
    });
    expect(JSON.stringify(stored)).not.toContain('key-brand-one');
  });

  test('a rejected key saves nothing and says why, with the request id', async () => {
    const { handlers } = await setup();
    const failure = handlers['connections.save'](save({ apiKey: 'wrong-key-1234' }), ctx);
    await expect(failure).rejects.toMatchObject({
      data: { code: 'omnisend.invalid-api-key', requestId: 'urn:omnisend:request:1' },
    });
    expect(await db.count('connections')).toBe(0);
    expect(await db.count('vault')).toBe(0);
  });

  test('display names are unique, whatever their case', async () => {
    const { handlers } = await setup();
    await handlers['connections.save'](save({ apiKey: 'key-brand-one-AAAA' }), ctx);
    await expect(
      handlers['connections.save'](save({ displayName: 'MAIN BRAND', apiKey: 'key-brand-two-CCCC' }), ctx),
    ).rejects.toMatchObject({ data: { code: 'duplicate-name' } });
  });

  test('can be renamed, re-shared and given a new key of the same brand, but not of another brand', async () => {
    const { handlers, vault, canceled, resumed } = await setup();
    await handlers['connections.save'](save({ apiKey: 'key-brand-one-AAAA' }), ctx);
    const renamed = await handlers['connections.save'](
      save({ id: 'c1', displayName: 'Renamed', shareWith: 'administrators-and-contributors' }),
      ctx,
    );
    expect(renamed.connection).toMatchObject({ displayName: 'Renamed', keyHint: '••••AAAA' });
    await handlers['connections.save'](
      save({ id: 'c1', displayName: 'Renamed', apiKey: 'key-brand-one-BBBB' }),
      ctx,
    );
    expect(await vault.get('c1')).toBe('key-brand-one-BBBB');
    // Runs that sent with the old key were stopped first; renaming alone stopped none. Runs
    // waiting for a new key are kept, and resumed once the new key is in the vault.
    expect(canceled).toEqual([
      {
        connectionId: 'c1',
        reason: expect.objectContaining({ code: 'connection-key-replaced' }),
        keepWaitingForKey: true,
      },
    ]);
    expect(resumed).toEqual(['key-brand-one-BBBB']);
    await expect(
      handlers['connections.save'](
        save({ id: 'c1', displayName: 'Renamed', apiKey: 'key-brand-two-CCCC' }),
        ctx,
      ),
    ).rejects.toMatchObject({ data: { code: 'different-brand' } });
    expect(await vault.get('c1')).toBe('key-brand-one-BBBB');
  });

  test('removal is refused while exports use the connection, and "detach and remove" clears everything', async () => {
    const { handlers, vault, canceled } = await setup();
    await handlers['connections.save'](save({ apiKey: 'key-brand-one-AAAA' }), ctx);
    await db.put('exports', storedExport({ name: 'VIP export', connectionId: 'c1' }));
    const list = await handlers['connections.list']({}, ctx);
    expect(list.role === 'administrator' && list.connections[0]?.usedBy).toEqual(['VIP export']);
    // The brand's snapshot as BrandSnapshots.view gives it: Connections shows its age and size.
    expect(list.role === 'administrator' && list.connections[0]?.snapshot).toEqual({
      listedAt: 4_000,
      count: 12,
      reading: null,
    });

    await expect(
      handlers['connections.remove']({ id: 'c1', detachExports: false }, ctx),
    ).rejects.toMatchObject({
      data: { code: 'connection-in-use', details: ['VIP export'] },
    });
    expect(await vault.has('c1')).toBe(true);
    expect(canceled).toEqual([]);

    await handlers['connections.remove']({ id: 'c1', detachExports: true }, ctx);
    expect(canceled).toEqual([
      {
        connectionId: 'c1',
        reason: { code: 'connection-removed' },
      },
    ]);
    expect(await db.count('connections')).toBe(0);
    expect(await vault.has('c1')).toBe(false);
    expect(await db.get('exports', 'e1')).toMatchObject({ connectionId: null });
  });

  test('contributors see only connections shared with them, by name and type', async () => {
    const { handlers } = await setup();
    await handlers['connections.save'](save({ displayName: 'Private', apiKey: 'key-brand-one-AAAA' }), ctx);
    await handlers['connections.save'](
      save({
        displayName: 'Shared',
        shareWith: 'administrators-and-contributors',
        apiKey: 'key-brand-two-CCCC',
      }),
      ctx,
    );
    expect(await handlers['connections.list']({}, { ...ctx, role: 'contributor' })).toEqual({
      role: 'contributor',
      connections: [{ id: 'c2', type: 'omnisend', displayName: 'Shared' }],
    });
  });

  test('"Allow scheduled runs while locked" keeps the key under its own device key; off, under the vault key', async () => {
    const { handlers, vault } = await setup();
    const shared = await handlers['connections.save'](
      save({ shareWith: 'administrators-and-contributors', apiKey: 'key-brand-one-AAAA' }),
      ctx,
    );
    const own = await handlers['connections.save'](
      save({ displayName: 'Own', apiKey: 'key-brand-two-CCCC' }),
      ctx,
    );
    // Unless chosen, shared connections allow it and administrators' ones do not (core/share-with.ts).
    expect([shared.connection.allowLockedRuns, own.connection.allowLockedRuns]).toEqual([true, false]);
    expect(await db.get('vault', 'secret:c1')).toMatchObject({ device: 'c1' });
    expect(await db.get('vault', '#device:c1')).toBeInstanceOf(CryptoKey);
    expect(await db.get('vault', 'secret:c2')).not.toHaveProperty('device');

    await handlers['connections.save'](
      save({ id: 'c1', shareWith: 'administrators-and-contributors', allowLockedRuns: false }),
      ctx,
    );
    expect(await db.get('vault', 'secret:c1')).not.toHaveProperty('device');
    expect(await db.get('vault', '#device:c1')).toBeUndefined();
    expect(await vault.get('c1')).toBe('key-brand-one-AAAA');
  });
});
