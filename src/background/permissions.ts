import type { MessageType, ParsedRequestOf } from '../messaging/protocol.ts';
import type { ObjectRef } from './access.ts';

/**
 * What a contributor may do with a message (an administrator may do everything a page may send):
 * - `allowed`: nothing in it belongs to administrators only;
 * - `own-objects`: allowed, and the answer (or what it acts on) keeps to the objects the sender may use;
 * - `refused`: administrators only;
 * - `{ uses }`: allowed while every object the request names may be used by contributors.
 */
export type ContributorRule<T extends MessageType> =
  | 'allowed'
  | 'own-objects'
  | 'refused'
  | { uses: (request: ParsedRequestOf<T>) => ObjectRef[]; ownObjects?: true };

export interface Permission<T extends MessageType> {
  /** `page`: the extension's own pages; `content`: the content script in the top frame of a tab. */
  from: 'page' | 'content';
  /** For `page` messages; a content script has no role and may send only its own messages. */
  contributor: ContributorRule<T>;
}

const connection = (id: string | null | undefined): ObjectRef => ({ kind: 'connection', id });
const exportOf = (id: string | undefined): ObjectRef => ({ kind: 'export', id });
const source = (id: string | undefined): ObjectRef => ({ kind: 'source', id });
const run = (id: string): ObjectRef => ({ kind: 'run', id });
const upload = (id: string): ObjectRef => ({ kind: 'upload', id });

/**
 * The one permission table: who may send each message type, as which role, on which objects
 * (DESIGN.md §7). Administrators configure — connections, the passphrase, Customer Insights
 * environments, deleting everything; contributors export — with shared connections, on exports
 * whose connection is shared, with any source no administrator-only export reads. The router
 * enforces it for every message (router.ts); its type makes a new message type without an entry
 * fail `tsc`, and test/integration/worker/permissions.test.ts sends every type as each sender.
 */
export const permissions: { [T in MessageType]: Permission<T> } = {
  status: { from: 'page', contributor: 'own-objects' },
  // Its items keep to what the sender may see (connections by their audience).
  'attention.list': { from: 'page', contributor: 'own-objects' },
  'tab.context': { from: 'page', contributor: 'allowed' },
  'page.report': { from: 'content', contributor: 'refused' },

  'role.unlock': { from: 'page', contributor: 'allowed' },
  'role.lock': { from: 'page', contributor: 'allowed' },
  'passphrase.set': { from: 'page', contributor: 'refused' },
  'passphrase.remove': { from: 'page', contributor: 'refused' },
  'data.deleteAll': { from: 'page', contributor: 'refused' },

  'connections.list': { from: 'page', contributor: 'own-objects' },
  'connections.check': { from: 'page', contributor: 'refused' },
  'connections.save': { from: 'page', contributor: 'refused' },
  'connections.remove': { from: 'page', contributor: 'refused' },

  'sources.list': { from: 'page', contributor: 'own-objects' },
  'files.begin': { from: 'page', contributor: { uses: (r) => [source(r.replaceSourceId)] } },
  'files.page': { from: 'page', contributor: { uses: (r) => [upload(r.uploadId)] } },
  'files.commit': { from: 'page', contributor: { uses: (r) => [upload(r.uploadId)] } },
  'files.abort': { from: 'page', contributor: { uses: (r) => [upload(r.uploadId)] } },
  'files.rename': { from: 'page', contributor: { uses: (r) => [source(r.id)] } },
  'files.remove': { from: 'page', contributor: { uses: (r) => [source(r.id)] } },

  'exports.list': { from: 'page', contributor: 'own-objects' },
  'exports.get': { from: 'page', contributor: { uses: (r) => [exportOf(r.id)] } },
  'exports.segments': { from: 'page', contributor: 'allowed' },
  'exports.fields': { from: 'page', contributor: 'allowed' },
  'exports.check': { from: 'page', contributor: 'allowed' },
  'exports.checkStatus': { from: 'page', contributor: 'allowed' },
  'exports.checkCancel': { from: 'page', contributor: 'allowed' },
  'exports.countries': { from: 'page', contributor: 'allowed' },
  // A preview reads the brand through the connection and the export's ledger: both must be theirs.
  'exports.preview': {
    from: 'page',
    contributor: { uses: (r) => [exportOf(r.id), connection(r.draft?.connectionId)] },
  },
  'exports.previewStatus': { from: 'page', contributor: 'allowed' },
  'exports.previewCancel': { from: 'page', contributor: 'allowed' },
  'exports.save': {
    from: 'page',
    contributor: { uses: (r) => [exportOf(r.id), connection(r.draft.connectionId)] },
  },
  'exports.duplicate': { from: 'page', contributor: { uses: (r) => [exportOf(r.id)] } },
  'exports.remove': { from: 'page', contributor: { uses: (r) => [exportOf(r.id)] } },

  'exports.run': { from: 'page', contributor: { uses: (r) => [exportOf(r.id)] } },
  'runs.active': { from: 'page', contributor: 'own-objects' },
  'runs.list': {
    from: 'page',
    contributor: { uses: (r) => [exportOf(r.exportId)], ownObjects: true },
  },
  'runs.get': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.rejected': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.problems': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.cancel': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.undoPlan': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.undo': { from: 'page', contributor: { uses: (r) => [run(r.id)] } },
  'runs.retention': { from: 'page', contributor: 'allowed' },
  'runs.setRetention': { from: 'page', contributor: 'refused' },

  'customer-insights.environments.list': { from: 'page', contributor: 'own-objects' },
  'customer-insights.environments.save': { from: 'page', contributor: 'refused' },
  // A sign-in decides whose access reads the environment: contributors may renew it only where no
  // administrator-only export reads, so they can keep their own exports going.
  'customer-insights.environments.signIn': { from: 'page', contributor: { uses: (r) => [source(r.id)] } },
  'customer-insights.environments.signOut': { from: 'page', contributor: 'refused' },
  'customer-insights.environments.remove': { from: 'page', contributor: 'refused' },
  // Dataverse's known segments are part of configuring the environment; counting one again only
  // reads, like the popup does on a segment page.
  'customer-insights.segments.add': { from: 'page', contributor: 'refused' },
  'customer-insights.segments.recount': { from: 'page', contributor: { uses: (r) => [source(r.id)] } },
  'customer-insights.segments.remove': { from: 'page', contributor: 'refused' },
  'customer-insights.page.segment': { from: 'page', contributor: 'own-objects' },
  // Saves with the first connection the sender may use (customer-insights/environment-handlers.ts).
  'customer-insights.exports.create': { from: 'page', contributor: 'own-objects' },
};
