import { lockedRunsByDefault } from '../core/share-with.ts';
import type { BrandSummary, ConnectionView } from '../messaging/protocol.ts';
import type { OmnisendApi } from '../omnisend/client.ts';
import {
  exportsByConnection,
  getConnection,
  listConnections,
  putConnection,
  removeConnection,
} from '../storage/connections.ts';
import { deleteLedgerForExports } from '../storage/ledger.ts';
import type { Database } from '../storage/open-database.ts';
import { allowsLockedRuns, type ConnectionRecord } from '../storage/records.ts';
import { secretHint, type Vault } from '../storage/vault.ts';
import { askOmnisend } from './ask-omnisend.ts';
import type { Engine } from './engine/engine.ts';
import { HandledError, type Handlers } from './router.ts';

export interface ConnectionDeps {
  db: Database;
  vault: Vault;
  /** Runs that send through a connection are canceled before its key goes or changes. */
  runs: Pick<Engine, 'cancelRunsUsing'>;
  omnisend: (apiKey: string) => OmnisendApi;
  now: () => number;
  newId: () => string;
}

type ConnectionHandlers = Pick<
  Handlers,
  'connections.list' | 'connections.check' | 'connections.save' | 'connections.remove'
>;

function view(record: ConnectionRecord, usedBy: { name: string }[]): ConnectionView {
  return {
    id: record.id,
    type: 'omnisend',
    displayName: record.displayName,
    shareWith: record.shareWith,
    brand: record.brand,
    keyHint: record.keyHint,
    allowLockedRuns: allowsLockedRuns(record),
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    usedBy: usedBy.map((e) => e.name),
  };
}

const fail = (code: string, message: string, details?: string[]) =>
  new HandledError({ code, message, retryable: false, ...(details ? { details } : {}) });

const inUse = (users: { name: string }[]) =>
  fail(
    'connection-in-use',
    'Exports still use this connection. Detach them from it, or remove those exports first.',
    users.map((u) => u.name),
  );

/** How runs that used a connection end when its key goes (engine.cancelRunsUsing). */
export const connectionRemoved = { code: 'connection-removed', message: 'Cancelled: connection removed' };
export const connectionKeyReplaced = {
  code: 'connection-key-replaced',
  message: 'Cancelled: the connection’s API key was replaced – run the export again',
};

export function createConnectionHandlers(deps: ConnectionDeps): ConnectionHandlers {
  async function checkKey(apiKey: string): Promise<BrandSummary> {
    const brand = await askOmnisend(() => deps.omnisend(apiKey).getBrand());
    return { id: brand.brandID, name: brand.name || brand.website || brand.brandID };
  }

  return {
    async 'connections.list'(_, { role }) {
      const { db } = deps;
      const [records, users] = await Promise.all([listConnections(db), exportsByConnection(db)]);
      records.sort((a, b) => a.displayName.localeCompare(b.displayName));
      if (role === 'administrator') {
        return {
          role: 'administrator',
          connections: records.map((r) => view(r, users.get(r.id) ?? [])),
        };
      }
      return {
        role: 'contributor',
        connections: records
          .filter((r) => r.shareWith === 'administrators-and-contributors')
          .map((r) => ({ id: r.id, type: 'omnisend', displayName: r.displayName })),
      };
    },

    async 'connections.check'({ apiKey }) {
      return { brand: await checkKey(apiKey) };
    },

    async 'connections.save'(request) {
      const { db } = deps;
      const existing = request.id ? await getConnection(db, request.id) : undefined;
      if (request.id && !existing) throw fail('not-found', 'This connection no longer exists.');
      const others = (await listConnections(db)).filter((c) => c.id !== request.id);
      const name = request.displayName.trim();
      if (others.some((c) => c.displayName.localeCompare(name, undefined, { sensitivity: 'accent' }) === 0)) {
        throw fail(
          'duplicate-name',
          `A connection named “${name}” already exists. Choose another display name.`,
        );
      }
      if (!existing && !request.apiKey) throw fail('key-required', 'Paste the API key and select Connect.');

      // Save checks the key again: the worker, not the page, decides that the key works.
      const brand = request.apiKey ? await checkKey(request.apiKey) : existing!.brand;
      if (existing && brand.id !== existing.brand.id) {
        throw fail(
          'different-brand',
          `This key belongs to another Omnisend brand (${brand.name}). Add it as a new connection instead.`,
        );
      }
      const id = existing?.id ?? deps.newId();
      const now = deps.now();
      const record: ConnectionRecord = {
        id,
        displayName: name,
        shareWith: request.shareWith,
        brand,
        keyHint: request.apiKey ? secretHint(request.apiKey) : existing!.keyHint,
        consent: { agreedAt: now, statementVersion: request.statementVersion },
        createdAt: existing?.createdAt ?? now,
        lastUsedAt: existing?.lastUsedAt ?? null,
        allowLockedRuns:
          request.allowLockedRuns ?? existing?.allowLockedRuns ?? lockedRunsByDefault(request.shareWith),
      };
      // No run goes on with the key being replaced: stopped before the new one is written.
      if (existing && request.apiKey) await deps.runs.cancelRunsUsing(id, connectionKeyReplaced);
      // The secret first: a record is never saved pointing at a key that is not in the vault.
      if (request.apiKey) await deps.vault.put(id, request.apiKey);
      await putConnection(db, record);
      // The key moves to where "Allow scheduled runs while locked" now says (vault.ts).
      await deps.vault.reseal();
      const users = (await exportsByConnection(db)).get(id) ?? [];
      return { connection: view(record, users) };
    },

    async 'connections.remove'({ id, detachExports }) {
      const { db } = deps;
      if (!(await getConnection(db, id))) throw fail('not-found', 'This connection no longer exists.');
      const users = (await exportsByConnection(db)).get(id) ?? [];
      if (users.length && !detachExports) throw inUse(users);
      // Runs that send with this key stop before it is deleted, and end as "connection removed".
      await deps.runs.cancelRunsUsing(id, connectionRemoved);
      const outcome = await removeConnection(db, id, detachExports);
      // What this extension remembers about contacts sent through the connection goes with it.
      if (outcome === 'removed')
        await deleteLedgerForExports(
          db,
          users.map((u) => u.id),
        );
      // An export saved with it meanwhile keeps it (the removal checks again, in its transaction).
      if (outcome === 'in-use') throw inUse(users);
      return { accepted: true };
    },
  };
}
