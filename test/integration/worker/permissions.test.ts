import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { createWorker, type MessageSender, type Worker } from '../../../src/background/create-worker.ts';
import { type ContributorRule, permissions } from '../../../src/background/permissions.ts';
import {
  type MessageType,
  messageTypes,
  PRIVACY_STATEMENT_VERSION,
  type Reply,
  type RequestOf,
} from '../../../src/messaging/protocol.ts';
import { putConnection } from '../../../src/storage/connections.ts';
import { putCustomerInsightsEnvironment } from '../../../src/storage/customer-insights-environments.ts';
import { putExport } from '../../../src/storage/exports.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { askAs, contentSender, fakePlatform, pageSender } from '../../support/fake-platform.ts';
import { plainVault } from '../../support/plain-vault.ts';
import { storedExport, storedRun } from '../../support/stored-records.ts';

/**
 * The permission table (src/background/permissions.ts) through the real worker: every message
 * type, sent by an administrator's page, a contributor's page and the content script, about an
 * administrator-only object and about a shared one, is let through or refused as the table says —
 * and nothing a contributor is told names an administrator-only connection, export or run.
 */

const PASSPHRASE = 'the administrators passphrase';
type Kind = 'administrators' | 'everyone';
type Sender = 'administrator' | 'contributor' | 'content';

/** The objects of one kind a request can name. */
interface Objects {
  connectionId: string;
  exportId: string;
  runId: string;
  fileId: string;
  environmentId: string;
  /** A replacement upload of the file, begun by an administrator. */
  uploadId: string;
}

const environmentGuid: Record<Kind, string> = {
  administrators: '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92',
  everyone: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
};

/** What a contributor may never read about the administrators' objects. */
const administratorMarkers = [
  'Administrators’ brand',
  'conn-administrators',
  'Admin export',
  'export-administrators',
  'run-administrators',
];

const segmentOf = (o: Objects) => ({ sourceId: o.fileId, segmentId: o.fileId });

/** One request of each type, about the objects given. A new message type fails `tsc` here until it has one. */
const samples: { [T in MessageType]: (o: Objects) => RequestOf<T> } = {
  status: () => ({}),
  'attention.list': () => ({}),
  'tab.context': () => ({ tabId: 1 }),
  'page.report': () => ({ page: null }),
  'role.unlock': () => ({ passphrase: 'not the passphrase' }),
  'role.lock': () => ({}),
  'passphrase.set': () => ({ passphrase: 'another passphrase', current: PASSPHRASE }),
  'passphrase.remove': () => ({ current: PASSPHRASE }),
  'data.deleteAll': () => ({ confirm: 'delete all data' }),
  'connections.list': () => ({}),
  'connections.check': () => ({ apiKey: 'an-api-key-to-check' }),
  'connections.save': (o) => ({
    id: o.connectionId,
    displayName: 'Renamed',
    shareWith: 'administrators-and-contributors',
    agreed: true,
    statementVersion: PRIVACY_STATEMENT_VERSION,
  }),
  'connections.remove': (o) => ({ id: o.connectionId, detachExports: true }),
  'sources.list': () => ({}),
  'files.begin': (o) => ({
    name: 'Other rows',
    fileName: 'rows.csv',
    encoding: 'utf-8',
    replaceSourceId: o.fileId,
  }),
  'files.page': (o) => ({
    uploadId: o.uploadId,
    page: 0,
    fields: ['Email'],
    rows: [{ line: 2, values: { Email: 'someone@example.com' } }],
    errors: [],
    unreadableLines: [],
  }),
  'files.commit': (o) => ({ uploadId: o.uploadId }),
  'files.abort': (o) => ({ uploadId: o.uploadId }),
  'files.rename': (o) => ({ id: o.fileId, name: 'Renamed' }),
  'files.remove': (o) => ({ id: o.fileId }),
  'exports.list': () => ({}),
  'exports.get': (o) => ({ id: o.exportId }),
  'exports.segments': () => ({}),
  'exports.fields': (o) => ({ segments: [segmentOf(o)] }),
  'exports.check': (o) => ({ segments: [segmentOf(o)], mapping: { email: 'Email' } }),
  'exports.checkStatus': () => ({ checkId: 'no-such-check' }),
  'exports.checkCancel': () => ({ checkId: 'no-such-check' }),
  'exports.preview': (o) => ({ id: o.exportId }),
  'exports.previewStatus': () => ({ previewId: 'no-such-preview' }),
  'exports.previewCancel': () => ({ previewId: 'no-such-preview' }),
  'exports.countries': () => ({}),
  'exports.save': (o) => ({
    id: o.exportId,
    // Not the stored version: a save allowed by the table is then refused as "changed meanwhile".
    version: 0,
    draft: {
      name: 'Edited',
      connectionId: o.connectionId,
      segments: [{ ...segmentOf(o), displayName: 'Rows', tag: 'Rows' }],
      mapping: { email: 'Email' },
      syncMode: 'mirror',
      schedule: { kind: 'manual' },
    },
  }),
  'exports.duplicate': (o) => ({ id: o.exportId }),
  'exports.remove': (o) => ({ id: o.exportId }),
  'exports.run': (o) => ({ id: o.exportId, fullResync: true }),
  'runs.active': () => ({}),
  'runs.list': (o) => ({ exportId: o.exportId }),
  'runs.get': (o) => ({ id: o.runId }),
  'runs.rejected': (o) => ({ id: o.runId, page: 0 }),
  'runs.problems': (o) => ({ id: o.runId }),
  'runs.cancel': (o) => ({ id: o.runId }),
  'runs.undoPlan': (o) => ({ id: o.runId }),
  'runs.undo': (o) => ({ id: o.runId }),
  'runs.retention': () => ({}),
  'runs.setRetention': () => ({ retention: { maxRuns: 50, maxDays: 90 } }),
  'customer-insights.environments.list': () => ({}),
  'customer-insights.environments.save': (o) => ({
    route: 'dataverse',
    id: o.environmentId,
    orgUrl: 'https://contoso.crm4.dynamics.com',
    environmentId:
      o.environmentId === 'env-administrators' ? environmentGuid.administrators : environmentGuid.everyone,
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  }),
  'customer-insights.environments.signIn': (o) => ({ id: o.environmentId }),
  'customer-insights.environments.signOut': (o) => ({ id: o.environmentId }),
  'customer-insights.environments.remove': (o) => ({ id: o.environmentId }),
  'customer-insights.segments.add': (o) => ({ id: o.environmentId, outputName: 'Male_under_40' }),
  'customer-insights.segments.recount': (o) => ({ id: o.environmentId, segmentId: 'VIP' }),
  'customer-insights.segments.remove': (o) => ({ id: o.environmentId, segmentId: 'VIP' }),
  'customer-insights.page.segment': () => ({
    page: { guids: [environmentGuid.administrators], address: ['segments', 'VIP'], text: ['VIP'] },
  }),
  'customer-insights.exports.create': (o) => ({ sourceId: o.environmentId, segmentId: 'VIP' }),
};

interface World {
  worker: Worker;
  objects: Record<Kind, Objects>;
}

/**
 * Two of everything — an administrators' connection with its export, run, file and environment,
 * and a shared connection with its own — behind a passphrase; locked for a contributor.
 */
async function world(sender: Sender): Promise<World> {
  globalThis.indexedDB = new IDBFactory();
  const worker = createWorker(fakePlatform(), { passphraseIterations: 1_000 });
  const ask = askAs(worker);
  await ask('status', {});
  const db = await openDatabase();
  const objects = {} as Record<Kind, Objects>;
  for (const kind of ['administrators', 'everyone'] as const) {
    const connectionId = `conn-${kind}`;
    await putConnection(db, {
      id: connectionId,
      displayName: kind === 'administrators' ? 'Administrators’ brand' : 'Everyone’s brand',
      shareWith: kind === 'administrators' ? 'administrators' : 'administrators-and-contributors',
      brand: { id: `brand-${kind}`, name: `Brand of ${kind}` },
      keyHint: '••••1234',
      consent: { agreedAt: 1, statementVersion: PRIVACY_STATEMENT_VERSION },
      createdAt: 1,
      lastUsedAt: null,
      problem: null,
    });
    await plainVault(db).put(connectionId, `omnisend-key-of-${kind}`);
    const { uploadId } = await ask('files.begin', {
      name: `File of ${kind}`,
      fileName: `${kind}.csv`,
      encoding: 'utf-8',
    });
    const rows = [{ line: 2, values: { Email: `member@${kind}.example` } }];
    await ask('files.page', { uploadId, page: 0, fields: ['Email'], rows, errors: [], unreadableLines: [] });
    const { file } = await ask('files.commit', { uploadId });
    const environmentId = `env-${kind}`;
    await putCustomerInsightsEnvironment(db, {
      id: environmentId,
      kind: 'customer-insights',
      route: 'dataverse',
      environmentId: environmentGuid[kind],
      orgUrl: `https://${kind}.crm4.dynamics.com`,
      name: null,
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
      keyHint: null,
      signedInAt: null,
      signInRequired: false,
      segments: [
        { id: 'VIP', displayName: 'VIP', memberCount: 1, countComplete: true, countedAt: 1, from: 'user' },
      ],
      createdAt: 1,
      updatedAt: 1,
    });
    const definition = storedExport({
      id: `export-${kind}`,
      name: kind === 'administrators' ? 'Admin export' : 'Shared export',
      connectionId,
      segments: [
        { sourceId: file.id, segmentId: file.id, displayName: 'Rows', tag: 'Rows' },
        { sourceId: environmentId, segmentId: 'VIP', displayName: 'VIP', tag: 'VIP' },
      ],
    });
    await putExport(db, definition);
    await db.put(
      'runs',
      storedRun(`run-${kind}`, definition, { status: 'succeeded', phase: 'finish', finishedAt: 3 }),
    );
    const replacing = await ask('files.begin', {
      name: 'Next rows',
      fileName: 'next.csv',
      encoding: 'utf-8',
      replaceSourceId: file.id,
    });
    objects[kind] = {
      connectionId,
      exportId: definition.id,
      runId: `run-${kind}`,
      fileId: file.id,
      environmentId,
      uploadId: replacing.uploadId,
    };
  }
  db.close();
  await ask('passphrase.set', { passphrase: PASSPHRASE });
  if (sender !== 'administrator') await ask('role.lock', {});
  return { worker, objects };
}

const senders: Record<Sender, MessageSender> = {
  administrator: pageSender,
  contributor: pageSender,
  content: contentSender(9),
};

/** What the table says: may this sender send this type about an object of this kind? */
function allowedByTable(type: MessageType, sender: Sender, kind: Kind): boolean {
  const permission = permissions[type];
  if (sender === 'content') return permission.from === 'content';
  if (permission.from !== 'page') return false;
  if (sender === 'administrator') return true;
  const rule = permission.contributor as ContributorRule<MessageType>;
  if (rule === 'refused') return false;
  return typeof rule === 'string' || kind === 'everyone';
}

const refusal = (reply: Reply) =>
  !reply.ok && ['forbidden', 'administrator-only'].includes(reply.error.code) ? reply.error.code : null;

async function send(w: World, type: MessageType, sender: Sender, kind: Kind): Promise<Reply> {
  const request = (samples[type] as (o: Objects) => unknown)(w.objects[kind]);
  const reply = await w.worker.route({ type, payload: request }, senders[sender]);
  await (await w.worker.engine()).idle();
  return reply;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the permission table', () => {
  test('has one entry, and this test one request, for every message type', () => {
    expect(Object.keys(permissions).sort()).toEqual([...messageTypes].sort());
    expect(Object.keys(samples).sort()).toEqual([...messageTypes].sort());
  });

  test('keeps what administrators alone may do out of contributors’ reach', () => {
    const rule = (type: MessageType) => permissions[type].contributor;
    for (const type of [
      'passphrase.set',
      'passphrase.remove',
      'data.deleteAll',
      'connections.check',
      'connections.save',
      'connections.remove',
      'customer-insights.environments.save',
      'customer-insights.environments.signOut',
      'customer-insights.environments.remove',
      'customer-insights.segments.add',
      'customer-insights.segments.remove',
      'runs.setRetention',
    ] as const)
      expect(rule(type), type).toBe('refused');
    // Object by object: these name an export, a run or a source, and are refused on the administrators' ones.
    for (const type of [
      'exports.get',
      'exports.save',
      'exports.duplicate',
      'exports.remove',
      'exports.run',
      'runs.get',
      'runs.rejected',
      'runs.cancel',
      'runs.undoPlan',
      'runs.undo',
      'files.begin',
      'files.page',
      'files.commit',
      'files.abort',
      'files.rename',
      'files.remove',
      'customer-insights.environments.signIn',
      'customer-insights.segments.recount',
    ] as const)
      expect(typeof rule(type), type).toBe('object');
  });

  for (const sender of ['administrator', 'contributor', 'content'] as const) {
    test(`is what the worker enforces for every message from ${sender === 'content' ? 'the content script' : `an ${sender}’s page`}`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      // A world is used again only while everything it was sent was refused (and so changed nothing).
      let w: World | undefined;
      for (const type of messageTypes) {
        let changed = false;
        for (const kind of ['administrators', 'everyone'] as const) {
          w ??= await world(sender);
          const reply = await send(w, type, sender, kind);
          const refused = refusal(reply);
          changed ||= !refused;
          outcomes.push(`${type} on ${kind}: ${refused ? 'refused' : 'allowed'}`);
          expected.push(`${type} on ${kind}: ${allowedByTable(type, sender, kind) ? 'allowed' : 'refused'}`);
          if (sender !== 'administrator') {
            const text = JSON.stringify(reply);
            for (const marker of administratorMarkers)
              expect(text, `${type} on ${kind}`).not.toContain(marker);
          }
        }
        if (changed) w = undefined;
      }
      expect(outcomes).toEqual(expected);
      // A fresh worker per allowed message: 50 s alone on a busy machine.
    }, 120_000);
  }

  test('shows an administrator every object, and a contributor only the shared ones', async () => {
    const lists = ['connections.list', 'exports.list', 'runs.active', 'runs.list', 'sources.list'] as const;
    const admin = await world('administrator');
    const asAdmin = askAs(admin.worker);
    expect(JSON.stringify(await asAdmin('exports.list', {}))).toContain('Admin export');
    expect(JSON.stringify(await asAdmin('connections.list', {}))).toContain('Administrators’ brand');
    expect(JSON.stringify(await asAdmin('runs.list', {}))).toContain('run-administrators');
    expect(JSON.stringify(await asAdmin('sources.list', {}))).toContain('Admin export');
    expect(JSON.stringify(await asAdmin('customer-insights.environments.list', {}))).toContain(
      'Admin export',
    );
    expect((await asAdmin('status', {})).counts).toEqual({ connections: 2, sources: 4, exports: 2, runs: 2 });

    const contributor = await world('contributor');
    const asContributor = askAs(contributor.worker);
    for (const type of lists) {
      const text = JSON.stringify(await asContributor(type, {}));
      for (const marker of administratorMarkers) expect(text, type).not.toContain(marker);
    }
    expect(JSON.stringify(await asContributor('exports.list', {}))).toContain('Shared export');
    expect((await asContributor('status', {})).counts).toEqual({
      connections: 1,
      sources: 2,
      exports: 1,
      runs: 1,
    });
  });
});
