import type { RunError } from '../core/run/run-state.ts';
import { lockedRunsByDefault } from '../core/share-with.ts';
import type { SnapshotView } from '../messaging/connection-messages.ts';
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
import { refusal as fail, type Handlers } from './router.ts';

export interface ConnectionDeps {
  db: Database;
  vault: Vault;
  /**
   * Runs that send through a connection are canceled before its key goes or changes – except those
   * waiting for a new key, which go on (`resume`) once it is saved.
   */
  runs: Pick<Engine, 'cancelRunsUsing' | 'resume'>;
  omnisend: (apiKey: string) => OmnisendApi;
  /** The brand snapshot of a brand as Connections shows it (BrandSnapshots.view). */
  snapshotOf: (brandId: string) => Promise<SnapshotView>;
  now: () => number;
  newId: () => string;
}

type ConnectionHandlers = Pick<
  Handlers,
  'connections.list' | 'connections.check' | 'connections.save' | 'connections.remove'
>;

function view(record: ConnectionRecord, usedBy: { name: string }[], snapshot: SnapshotView): ConnectionView {
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
    problem: record.problem,
    usedBy: usedBy.map((e) => e.name),
    snapshot,
  };
}

const inUse = (users: { name: string }[]) => fail('connection-in-use', { details: users.map((u) => u.name) });

/** How runs that used a connection end when its key goes (engine.cancelRunsUsing). */
export const connectionRemoved: RunError = { code: 'connection-removed' };
export const connectionKeyReplaced: RunError = { code: 'connection-key-replaced' };

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
          connections: await Promise.all(
            records.map(async (r) => view(r, users.get(r.id) ?? [], await deps.snapshotOf(r.brand.id))),
          ),
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
      if (request.id && !existing) throw fail('not-found');
      const others = (await listConnections(db)).filter((c) => c.id !== request.id);
      const name = request.displayName.trim();
      if (others.some((c) => c.displayName.localeCompare(name, undefined, { sensitivity: 'accent' }) === 0)) {
        throw fail('duplicate-name');
      }
      if (!existing && !request.apiKey) throw fail('key-required');

      // Save checks the key again: the worker, not the page, decides that the key works.
      const brand = request.apiKey ? await checkKey(request.apiKey) : existing!.brand;
      if (existing && brand.id !== existing.brand.id) {
        throw fail('different-brand');
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
        // A new key is a fresh start; the same key keeps what Omnisend last said of it.
        problem: request.apiKey ? null : (existing?.problem ?? null),
        allowLockedRuns:
          request.allowLockedRuns ?? existing?.allowLockedRuns ?? lockedRunsByDefault(request.shareWith),
      };
      // No run goes on with the key being replaced: stopped before the new one is written. A run
      // that Omnisend's refusal of the old key stopped waits for exactly this, and goes on below.
      const rekeyed = existing !== undefined && request.apiKey !== undefined;
      if (rekeyed) await deps.runs.cancelRunsUsing(id, connectionKeyReplaced, { keepWaitingForKey: true });
      // The secret first: a record is never saved pointing at a key that is not in the vault.
      if (request.apiKey) await deps.vault.put(id, request.apiKey);
      await putConnection(db, record);
      // The key moves to where "Allow scheduled runs while locked" now says (vault.ts).
      await deps.vault.reseal();
      if (rekeyed) await deps.runs.resume();
      const users = (await exportsByConnection(db)).get(id) ?? [];
      return { connection: view(record, users, await deps.snapshotOf(record.brand.id)) };
    },

    async 'connections.remove'({ id, detachExports }) {
      const { db } = deps;
      if (!(await getConnection(db, id))) throw fail('not-found');
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
