import { exportDefinitionSchema } from '../core/export-definition.ts';
import type { Database } from './open-database.ts';
import { type ConnectionRecord, connectionRecordSchema, exportRecordSchema, parseRecord } from './records.ts';
import { deviceKeyId, vaultRecordKey } from './vault.ts';

export async function listConnections(db: Database): Promise<ConnectionRecord[]> {
  const records = await db.getAll('connections');
  return records.map((value) => {
    const id = (value as { id?: unknown }).id;
    return parseRecord(connectionRecordSchema, 'connections', typeof id === 'string' ? id : '?', value);
  });
}

export async function getConnection(db: Database, id: string): Promise<ConnectionRecord | undefined> {
  const value = await db.get('connections', id);
  return value === undefined ? undefined : parseRecord(connectionRecordSchema, 'connections', id, value);
}

export async function putConnection(db: Database, record: ConnectionRecord): Promise<void> {
  await db.put('connections', connectionRecordSchema.parse(record));
}

/** Names of the exports that use a connection, by connection id. */
export async function exportsByConnection(
  db: Database,
): Promise<Map<string, { id: string; name: string }[]>> {
  const byConnection = new Map<string, { id: string; name: string }[]>();
  for (const value of await db.getAll('exports')) {
    const record = parseRecord(exportRecordSchema, 'exports', String((value as { id?: unknown }).id), value);
    if (!record.connectionId) continue;
    const list = byConnection.get(record.connectionId) ?? [];
    list.push({ id: record.id, name: record.name });
    byConnection.set(record.connectionId, list);
  }
  return byConnection;
}

/**
 * Removes a connection with everything that belongs to it, in one transaction: its secret (and the
 * device key that sealed it, if any) and, when
 * asked, the link from the exports that used it (they then show "No connection").
 */
export async function removeConnection(
  db: Database,
  id: string,
  detachExports: boolean,
): Promise<'removed' | 'in-use'> {
  const tx = db.transaction(['connections', 'exports', 'vault'], 'readwrite');
  const exports = tx.objectStore('exports');
  const users = await exports.index('byConnection').getAll(id);
  if (users.length && !detachExports) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return 'in-use';
  }
  for (const value of users) {
    const record = parseRecord(
      exportDefinitionSchema,
      'exports',
      String((value as { id?: unknown }).id),
      value,
    );
    await exports.put({ ...record, connectionId: null });
  }
  await tx.objectStore('vault').delete(vaultRecordKey(id));
  await tx.objectStore('vault').delete(deviceKeyId(id));
  await tx.objectStore('connections').delete(id);
  await tx.done;
  return 'removed';
}
