import { z } from 'zod';
z.config({ jitless: true });
import { parseRunRecord } from '../src/storage/run-records.ts';
import { contactRequestSchema } from '../src/omnisend/schemas.ts';
const run = {
  id: 'r1', exportId: 'e1', trigger: 'manual', fullResync: false,
  definition: { id: 'e1', name: 'Bench export', connectionId: 'c1', segments: [{ sourceId: 's', segmentId: 's', displayName: 'VIP', tag: 'VIP' }], mapping: { email: 'Email', firstName: 'First name', lastName: 'Last name' }, syncMode: 'mirror', schedule: { kind: 'manual' }, createdAt: 1, updatedAt: 1 },
  mappingVersion: 'abcdef0123456789', createdAt: 1, startedAt: 1, finishedAt: null, updatedAt: 1, status: 'running', phase: 'read', error: null, waiting: null,
  counters: { read: 1, sent: 1, created: 1, updated: 0, unchanged: 0, duplicates: 0, tagged: 0, untagged: 0, rejected: 0 }, total: 1000,
  read: { segment: 0, cursor: '{"generation":1,"page":3}', done: false }, untagScan: { chunk: 0, log: 0, logEnd: null, done: false },
  seq: { outbox: 1, outboxHead: 0, outboxItems: 0, batch: 0, settled: 0, rejected: 0, tagChunk: 0 }, tagQueue: [{ op: 'add', tag: 'VIP', count: 10 }],
  lease: { owner: 'o', until: 1 }, support: { batchIds: Array.from({ length: 20 }, (_, i) => `batch-${i}-0123456789abcdef01234567`), requestIds: [] },
};
let t = performance.now();
for (let i = 0; i < 2000; i++) parseRunRecord('r1', run);
console.log('run record parse µs', ((performance.now() - t) / 2000 * 1000).toFixed(1));
const contact = { identifiers: [{ type: 'email', id: 'member1@example.com', channels: { email: { status: 'nonSubscribed' } } }], firstName: 'Ayşe', lastName: 'Yılmaz' };
t = performance.now();
for (let i = 0; i < 20000; i++) contactRequestSchema.parse(contact);
console.log('contact parse µs', ((performance.now() - t) / 20000 * 1000).toFixed(1));
