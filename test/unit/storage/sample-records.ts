import type { StoreKey, StoreNames, StoreValue } from 'idb';
import type { ExportDb } from '../../../src/storage/schema.ts';
import { storedExport, storedRun } from '../../support/stored-records.ts';

export type StoreName = StoreNames<ExportDb>;
export type Sample<S extends StoreName> = { key?: StoreKey<ExportDb, S>; value: StoreValue<ExportDb, S> };

const definition = storedExport({ name: 'VIP', connectionId: 'c1' });

/**
 * One well-formed record per store, typed by the store's declaration: when a record's schema
 * changes, this file stops compiling until the sample follows.
 */
export const samples: { [S in StoreName]: Sample<S> } = {
  connections: {
    value: {
      id: 'c1',
      displayName: 'Main brand',
      shareWith: 'administrators',
      brand: { id: 'b1', name: 'Brand' },
      keyHint: '••••AAAA',
      consent: { agreedAt: 1, statementVersion: '2026-11' },
      createdAt: 1,
      lastUsedAt: null,
    },
  },
  exports: { value: definition },
  runs: {
    value: storedRun('r1', definition, {
      problems: [
        {
          kind: 'field',
          field: 'Country',
          reason: 'country-unknown',
          count: 1,
          examples: [{ position: 3, email: 'a@example.com', value: 'Atlantis' }],
        },
      ],
    }),
  },
  settings: {
    key: 'adminPassphrase',
    value: { algorithm: 'PBKDF2-SHA-256', iterations: 1_000, salt: 'c2FsdA', hash: 'aGFzaA' },
  },
  vault: { key: 'secret:c1', value: { iv: new Uint8Array(12), data: new ArrayBuffer(16) } },
  sources: {
    value: {
      id: 'f1',
      kind: 'file',
      name: 'VIP',
      current: {
        fileName: 'vip.csv',
        fields: ['Email'],
        rowCount: 1,
        errorCount: 0,
        errors: [],
        pages: 1,
        encoding: 'windows-1254',
        unreadableCount: 1,
        unreadableLines: [4],
        generation: 1,
        uploadedAt: 3,
      },
      upload: null,
    },
  },
  fileRows: {
    value: {
      sourceId: 'f1',
      generation: 1,
      page: 0,
      rows: [{ line: 2, values: { Email: 'a@example.com' } }],
    },
  },
  brandSnapshots: {
    value: { brandId: 'b1', generation: 1, count: 1, listedAt: 5, fullListedAt: 5, listing: null },
  },
  brandContacts: {
    value: {
      brandId: 'b1',
      generation: 1,
      email: 'a@example.com',
      id: 'c-1',
      status: 'subscribed',
      tags: ['VIP'],
      updatedAt: 4,
    },
  },
  ledgers: {
    value: { exportId: definition.id, generation: 1, chunks: 1, entries: 1, tags: ['VIP'] },
  },
  ledgerChunks: {
    value: {
      exportId: definition.id,
      generation: 1,
      chunk: 0,
      tags: ['VIP'],
      emails: ['a@example.com'],
      fingerprints: ['00000000000000ff'],
      tagBits: [1],
      pendingAdd: [0],
      pendingRemove: [0],
    },
  },
  ledgerLog: {
    value: {
      exportId: definition.id,
      seq: 0,
      runId: 'r1',
      kind: 'page',
      tags: ['VIP'],
      emails: ['b@example.com'],
      fingerprints: [''],
      tagBits: [0],
      pendingAdd: [0],
      pendingRemove: [0],
      seen: [1],
      enqueued: [0],
      queued: [1],
    },
  },
  runOutbox: {
    value: {
      runId: 'r1',
      seq: 0,
      items: [
        {
          email: 'b@example.com',
          tag: 'VIP',
          position: 2,
          fingerprint: '00000000000000ff',
          contact: { identifiers: [{ type: 'email', id: 'b@example.com' }] },
        },
      ],
      bytes: 55,
    },
  },
  runBatches: {
    value: {
      runId: 'r1',
      seq: 0,
      batchId: 'b1',
      state: 'submitted',
      submittedAt: 4,
      nextPollAt: 5,
      polls: 0,
      items: [{ email: 'a@example.com', tag: 'VIP', position: 2, fingerprint: '00000000000000ff' }],
      failed: 0,
    },
  },
  runTags: { value: { runId: 'r1', op: 'add', tag: 'VIP', seq: 0, emails: ['a@example.com'] } },
  runChanges: { value: { runId: 'r1', op: 'add', tag: 'VIP', seq: 0, emails: ['a@example.com'] } },
  runRejected: {
    value: {
      runId: 'r1',
      seq: 0,
      position: 3,
      kind: 'field',
      email: 'a@example.com',
      field: 'Country',
      value: 'Atlantis',
      reason: 'country-unknown',
    },
  },
  budgets: {
    key: 'b1',
    value: {
      version: 1,
      classes: { default: { grants: [1, 2], penaltyUntil: 0 }, tags: { grants: [], penaltyUntil: 0 } },
    },
  },
  schedules: {
    value: {
      exportId: definition.id,
      scheduleKey: '{"kind":"manual"}',
      anchorAt: 1,
      lastSlotAt: null,
      refreshSeen: {},
      nextDueAt: null,
    },
  },
};

/**
 * Records of the stores whose form version 4 changed, as versions 3 and before stored them: the
 * ledger one record per email, queued contacts and tag emails one per record.
 */
export const beforeVersion4 = {
  ledger: {
    value: {
      exportId: definition.id,
      email: 'a@example.com',
      fingerprint: '00000000000000ff',
      tags: ['VIP'],
      pending: {},
      seen: { VIP: 'r0' },
      queued: null,
    },
  },
  runOutbox: {
    value: {
      runId: 'r1',
      seq: 0,
      email: 'a@example.com',
      tag: 'VIP',
      position: 2,
      fingerprint: '00000000000000ff',
      contact: { identifiers: [{ type: 'email', id: 'a@example.com' }] },
    },
  },
  runTags: { value: { runId: 'r1', op: 'add', tag: 'VIP', email: 'a@example.com' } },
};

/**
 * A Customer Insights environment as versions before the Dataverse route stored it (no route,
 * organisation or known segments, a key hint always): it must still read, as a Data API one.
 */
export const environmentBeforeDataverse: StoreValue<ExportDb, 'sources'> = {
  id: 'ci1',
  kind: 'customer-insights',
  environmentId: '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92',
  name: 'Contoso Retail',
  tenant: 'organizations',
  clientId: '11111111-2222-4333-8444-555555555555',
  keyHint: '••••ABCD',
  signedInAt: 4,
  signInRequired: false,
  createdAt: 1,
  updatedAt: 4,
};
