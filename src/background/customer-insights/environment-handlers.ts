import type { ExportDefinition } from '../../core/export-definition.ts';
import type { CustomerInsightsEnvironmentView, ExportDraft, Role } from '../../messaging/protocol.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  getCustomerInsightsEnvironment,
  listCustomerInsightsEnvironments,
  putCustomerInsightsEnvironment,
  removeCustomerInsightsEnvironment,
  updateCustomerInsightsEnvironment,
} from '../../storage/customer-insights-environments.ts';
import type { Database } from '../../storage/open-database.ts';
import { secretHint } from '../../storage/vault.ts';
import { type Handlers, refusal } from '../router.ts';
import { view } from './environment-view.ts';
import type { CustomerInsightsEnvironments } from './environments.ts';
import { handled } from './handled-errors.ts';
import { createKnownSegmentHandlers } from './known-segment-handlers.ts';
import { createPageHandlers } from './page-handlers.ts';
import type { CustomerInsightsSecrets } from './secrets.ts';

export interface CustomerInsightsDeps {
  db: Database;
  secrets: CustomerInsightsSecrets;
  environments: CustomerInsightsEnvironments;
  /** Opens Microsoft's sign-in window (`interactiveLaunch` over `identity.launchWebAuthFlow`). */
  launch: (url: string) => Promise<string>;
  /** Export names per source id, as the role may see them, to say what an environment is used by. */
  exportsBySource: (role: Role) => Promise<Map<string, string[]>>;
  /** The exports the role may see. */
  exportsFor: (role: Role) => Promise<ExportDefinition[]>;
  /** Saves a new export through the export handlers, with their validation. */
  saveExport: (draft: ExportDraft) => Promise<{ id: string }>;
  /** Seals every secret again where its owner's "Allow scheduled runs while locked" says (vault.ts). */
  resealSecrets: () => Promise<void>;
  /** After a successful sign-in: runs that waited for it go on now rather than at the next watchdog. */
  signedIn: () => Promise<void>;
  now: () => number;
  newId: () => string;
}

/** What the Customer Insights handler groups share. */
export interface EnvironmentAccess {
  requireRecord(id: string): Promise<CustomerInsightsEnvironmentRecord>;
  /** The environment as `role` may see it: only the exports it may see as its users. */
  viewOf(record: CustomerInsightsEnvironmentRecord, role: Role): Promise<CustomerInsightsEnvironmentView>;
}

type CustomerInsightsHandlers = Pick<
  Handlers,
  | 'customer-insights.environments.list'
  | 'customer-insights.environments.save'
  | 'customer-insights.environments.signIn'
  | 'customer-insights.environments.signOut'
  | 'customer-insights.environments.remove'
  | 'customer-insights.segments.add'
  | 'customer-insights.segments.recount'
  | 'customer-insights.segments.remove'
  | 'customer-insights.page.segment'
  | 'customer-insights.exports.create'
>;

const gone = () => refusal('not-found');

export function createCustomerInsightsHandlers(deps: CustomerInsightsDeps): CustomerInsightsHandlers {
  const { environments } = deps;

  const access: EnvironmentAccess = {
    async requireRecord(id) {
      const record = await getCustomerInsightsEnvironment(deps.db, id);
      if (!record) throw gone();
      return record;
    },
    async viewOf(record, role) {
      return view(record, (await deps.exportsBySource(role)).get(record.id) ?? []);
    },
  };
  const { requireRecord, viewOf } = access;

  return {
    async 'customer-insights.environments.list'(_, { role }) {
      const { db } = deps;
      const [records, users] = await Promise.all([
        listCustomerInsightsEnvironments(db),
        deps.exportsBySource(role),
      ]);
      records.sort((a, b) => a.createdAt - b.createdAt);
      return {
        redirectUrl: environments.redirectUrl(),
        environments: records.map((r) => view(r, users.get(r.id) ?? [])),
      };
    },

    async 'customer-insights.environments.save'(request, { role }) {
      const { db } = deps;
      const existing = request.id === undefined ? undefined : await requireRecord(request.id);
      if (existing && existing.route !== request.route) {
        throw refusal('customer-insights.route-fixed');
      }
      const twin = (await listCustomerInsightsEnvironments(db)).find(
        (r) => r.environmentId === request.environmentId && r.id !== existing?.id,
      );
      if (twin) {
        throw refusal('customer-insights.duplicate-environment');
      }
      const subscriptionKey = request.route === 'data-api' ? request.subscriptionKey : undefined;
      if (request.route === 'data-api' && !existing && subscriptionKey === undefined) {
        throw refusal('customer-insights.subscription-key-missing');
      }
      const now = deps.now();
      const recordId = existing?.id ?? deps.newId();
      // The key goes into the vault first, so no record ever points at a key that is not there.
      if (subscriptionKey !== undefined) await deps.secrets.setSubscriptionKey(recordId, subscriptionKey);
      const orgUrl = request.route === 'dataverse' ? request.orgUrl : null;
      // A sign-in belongs to one app registration in one tenant, for one resource.
      const sameSignIn =
        existing !== undefined &&
        existing.tenant === request.tenant &&
        existing.clientId === request.clientId &&
        existing.environmentId === request.environmentId &&
        existing.orgUrl === orgUrl;
      if (existing && !sameSignIn) await deps.secrets.forgetRefreshToken(recordId);
      const record: CustomerInsightsEnvironmentRecord = {
        id: recordId,
        kind: 'customer-insights',
        route: request.route,
        environmentId: request.environmentId,
        orgUrl,
        name: sameSignIn ? existing.name : null,
        tenant: request.tenant,
        clientId: request.clientId,
        keyHint:
          request.route === 'dataverse'
            ? null
            : subscriptionKey === undefined
              ? (existing?.keyHint ?? null)
              : secretHint(subscriptionKey),
        signedInAt: sameSignIn ? existing.signedInAt : null,
        signInRequired: sameSignIn ? existing.signInRequired : false,
        // Segments counted in another organisation say nothing about this one.
        segments: existing && existing.orgUrl === orgUrl ? existing.segments : [],
        createdAt: existing?.createdAt ?? now,
        updatedAt: Math.max(now, (existing?.updatedAt ?? 0) + 1),
        allowLockedRuns: request.allowLockedRuns ?? existing?.allowLockedRuns ?? true,
      };
      await putCustomerInsightsEnvironment(db, record);
      await deps.resealSecrets();
      environments.forget(recordId);
      return { environment: await viewOf(record, role) };
    },

    async 'customer-insights.environments.signIn'({ id }, { role }) {
      const record = await requireRecord(id);
      await handled(() => environments.signIn(record, deps.launch));
      const { db } = deps;
      const signedIn = await updateCustomerInsightsEnvironment(db, id, (r) => ({
        ...r,
        signedInAt: deps.now(),
        signInRequired: false,
      }));
      if (!signedIn) throw gone();
      // One read proves the sign-in along with the route's other settings: the subscription key
      // and environment id of the Data API, the organisation URL and access of Dataverse.
      const segments = await handled(async () => {
        const dataverse = await environments.dataverseFor(signedIn);
        if (dataverse) {
          await dataverse.checkAccess();
          return signedIn.segments;
        }
        const source = await environments.sourceFor(id);
        return source ? source.listSegments() : [];
      });
      await deps.signedIn();
      const name = await environments.instanceName(signedIn).catch(() => null);
      const named =
        (name && (await updateCustomerInsightsEnvironment(db, id, (r) => ({ ...r, name })))) || signedIn;
      return { environment: await viewOf(named, role), segmentCount: segments.length };
    },

    async 'customer-insights.environments.signOut'({ id }) {
      await requireRecord(id);
      await deps.secrets.forgetRefreshToken(id);
      await updateCustomerInsightsEnvironment(deps.db, id, (r) => ({
        ...r,
        signedInAt: null,
        signInRequired: false,
      }));
      environments.forget(id);
      return { accepted: true };
    },

    async 'customer-insights.environments.remove'({ id }, { role }) {
      const users = (await deps.exportsBySource(role)).get(id) ?? [];
      if (users.length) {
        throw refusal('source-in-use', { details: users });
      }
      await removeCustomerInsightsEnvironment(deps.db, id);
      environments.forget(id);
      return { accepted: true };
    },

    ...createKnownSegmentHandlers(deps, access),
    ...createPageHandlers(deps, access),
  };
}
