import type { ExportDefinition } from '../../core/export-definition.ts';
import { suggestMapping } from '../../core/mapping/suggest-mapping.ts';
import { matchSegment } from '../../core/segment-page.ts';
import { tagForSegment } from '../../core/tag-name.ts';
import type { CustomerInsightsEnvironmentView, ExportDraft, Role } from '../../messaging/protocol.ts';
import {
  CustomerInsightsError,
  SignInError,
  SignInRequiredError,
} from '../../sources/customer-insights/index.ts';
import { listConnections } from '../../storage/connections.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  environmentAllowsLockedRuns,
  getCustomerInsightsEnvironment,
  listCustomerInsightsEnvironments,
  putCustomerInsightsEnvironment,
  removeCustomerInsightsEnvironment,
  updateCustomerInsightsEnvironment,
} from '../../storage/customer-insights-environments.ts';
import { listExports } from '../../storage/exports.ts';
import type { Database } from '../../storage/open-database.ts';
import { secretHint, VaultError } from '../../storage/vault.ts';
import { HandledError, type Handlers } from '../router.ts';
import type { CustomerInsightsEnvironments } from './environments.ts';
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

type CustomerInsightsHandlers = Pick<
  Handlers,
  | 'customer-insights.environments.list'
  | 'customer-insights.environments.save'
  | 'customer-insights.environments.signIn'
  | 'customer-insights.environments.signOut'
  | 'customer-insights.environments.remove'
  | 'customer-insights.page.segment'
  | 'customer-insights.exports.create'
>;

const fail = (code: string, message: string, details?: string[]) =>
  new HandledError({ code, message, retryable: false, ...(details ? { details } : {}) });

/**
 * The source's typed errors carry messages written for people and free of secrets
 * (sources/customer-insights/errors.ts), so they cross to the page as they are.
 */
function asHandled(error: unknown): unknown {
  if (error instanceof SignInError || error instanceof CustomerInsightsError) {
    return new HandledError({ code: error.code, message: error.message, retryable: error.retryable });
  }
  if (error instanceof VaultError && error.code !== 'locked') {
    return fail(
      'customer-insights.secret-unreadable',
      'The saved subscription key cannot be read – enter it again in Sources.',
    );
  }
  return error;
}

async function handled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asHandled(error);
  }
}

function stateOf(record: CustomerInsightsEnvironmentRecord): CustomerInsightsEnvironmentView['state'] {
  if (record.signedInAt === null) return 'signed-out';
  return record.signInRequired ? 'sign-in-required' : 'signed-in';
}

function view(record: CustomerInsightsEnvironmentRecord, usedBy: string[]): CustomerInsightsEnvironmentView {
  return {
    id: record.id,
    kind: 'customer-insights',
    environmentId: record.environmentId,
    name: record.name,
    tenant: record.tenant,
    clientId: record.clientId,
    keyHint: record.keyHint,
    allowLockedRuns: environmentAllowsLockedRuns(record),
    state: stateOf(record),
    signedInAt: record.signedInAt,
    usedBy,
  };
}

/** "VIP", else "VIP (2)", "VIP (3)", … among the export names taken. */
function freeName(wanted: string, taken: string[]): string {
  const names = new Set(taken.map((n) => n.toLocaleLowerCase()));
  const base = wanted.slice(0, 90);
  let name = base;
  for (let n = 2; names.has(name.toLocaleLowerCase()); n++) name = `${base} (${n})`;
  return name;
}

export function createCustomerInsightsHandlers(deps: CustomerInsightsDeps): CustomerInsightsHandlers {
  const { environments } = deps;

  async function requireRecord(id: string): Promise<CustomerInsightsEnvironmentRecord> {
    const record = await getCustomerInsightsEnvironment(deps.db, id);
    if (!record) throw fail('not-found', 'This Customer Insights environment is no longer set up.');
    return record;
  }

  async function viewOf(
    record: CustomerInsightsEnvironmentRecord,
    role: Role,
  ): Promise<CustomerInsightsEnvironmentView> {
    return view(record, (await deps.exportsBySource(role)).get(record.id) ?? []);
  }

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

    async 'customer-insights.environments.save'(
      { id, environmentId, tenant, clientId, subscriptionKey, allowLockedRuns },
      { role },
    ) {
      const { db } = deps;
      const existing = id === undefined ? undefined : await requireRecord(id);
      const twin = (await listCustomerInsightsEnvironments(db)).find(
        (r) => r.environmentId === environmentId && r.id !== existing?.id,
      );
      if (twin) {
        throw fail(
          'customer-insights.duplicate-environment',
          'This environment is already set up in Sources.',
        );
      }
      if (!existing && subscriptionKey === undefined) {
        throw fail(
          'customer-insights.subscription-key-missing',
          'Enter the API subscription key of the environment.',
        );
      }
      const now = deps.now();
      const recordId = existing?.id ?? deps.newId();
      // The key goes into the vault first, so no record ever points at a key that is not there.
      if (subscriptionKey !== undefined) await deps.secrets.setSubscriptionKey(recordId, subscriptionKey);
      // A sign-in belongs to one app registration in one tenant (and one environment).
      const sameSignIn =
        existing !== undefined &&
        existing.tenant === tenant &&
        existing.clientId === clientId &&
        existing.environmentId === environmentId;
      if (existing && !sameSignIn) await deps.secrets.forgetRefreshToken(recordId);
      const record: CustomerInsightsEnvironmentRecord = {
        id: recordId,
        kind: 'customer-insights',
        environmentId,
        name: sameSignIn ? existing.name : null,
        tenant,
        clientId,
        keyHint:
          subscriptionKey === undefined && existing ? existing.keyHint : secretHint(subscriptionKey ?? ''),
        signedInAt: sameSignIn ? existing.signedInAt : null,
        signInRequired: sameSignIn ? existing.signInRequired : false,
        createdAt: existing?.createdAt ?? now,
        updatedAt: Math.max(now, (existing?.updatedAt ?? 0) + 1),
        allowLockedRuns: allowLockedRuns ?? existing?.allowLockedRuns ?? true,
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
      if (!signedIn) throw fail('not-found', 'This Customer Insights environment is no longer set up.');
      // Reading the segments proves the subscription key and the environment id along with the sign-in.
      const segments = await handled(async () => {
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
        throw new HandledError({
          code: 'source-in-use',
          message: 'Exports still use this environment. Remove it from those exports first.',
          retryable: false,
          details: users,
        });
      }
      await removeCustomerInsightsEnvironment(deps.db, id);
      environments.forget(id);
      return { accepted: true };
    },

    async 'customer-insights.page.segment'({ page }, { role }) {
      const { db } = deps;
      const record = (await listCustomerInsightsEnvironments(db)).find(
        (r) => r.environmentId === page.environmentId,
      );
      if (!record) return { state: 'no-environment', environmentId: page.environmentId };
      const signInRequired = {
        state: 'sign-in-required',
        sourceId: record.id,
        environmentId: record.environmentId,
      } as const;
      if (stateOf(record) !== 'signed-in') return signInRequired;
      const source = await environments.sourceFor(record.id);
      let segments: Awaited<ReturnType<NonNullable<typeof source>['listSegments']>> = [];
      try {
        segments = source ? await source.listSegments() : [];
      } catch (error) {
        if (error instanceof SignInRequiredError) return signInRequired;
        throw asHandled(error);
      }
      const match = matchSegment(
        page,
        segments.map((s) => ({ ...s, name: s.id })),
      );
      if (!match) return { state: 'not-found', sourceId: record.id };
      const id = match.id.toLowerCase();
      const exportIds = (await deps.exportsFor(role))
        .filter((e) => e.segments.some((s) => s.sourceId === record.id && s.segmentId.toLowerCase() === id))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => e.id);
      const { displayName, memberCount, lastRefreshedAt } = match;
      return {
        state: 'segment',
        sourceId: record.id,
        segment: { id: match.id, displayName, memberCount, lastRefreshedAt },
        exportIds,
      };
    },

    async 'customer-insights.exports.create'({ sourceId, segmentId }, { role }) {
      const { db } = deps;
      await requireRecord(sourceId);
      const source = await environments.sourceFor(sourceId);
      if (!source) throw fail('not-found', 'This Customer Insights environment is no longer set up.');
      const { segment, fields } = await handled(async () => {
        const wanted = segmentId.toLowerCase();
        const found = (await source.listSegments()).find((s) => s.id.toLowerCase() === wanted);
        return { segment: found, fields: found ? await source.describeFields(found.id) : [] };
      });
      if (!segment) throw fail('segment-missing', 'The segment is no longer available.');
      const suggested = suggestMapping(fields);
      if (suggested.email === undefined) {
        throw fail(
          'customer-insights.no-email-field',
          'No field of this segment looks like an email address. Add the export in Options › Exports and choose the Email field.',
        );
      }
      const connection = (await listConnections(db))
        .filter((c) => role === 'administrator' || c.shareWith === 'administrators-and-contributors')
        .sort((a, b) => a.displayName.localeCompare(b.displayName))[0];
      if (!connection) {
        throw fail(
          'customer-insights.no-connection',
          'There is no Omnisend connection you may use. An administrator adds one in Connections.',
        );
      }
      const taken = (await listExports(db)).map((e) => e.name);
      return deps.saveExport({
        name: freeName(segment.displayName, taken),
        connectionId: connection.id,
        segments: [
          {
            sourceId,
            segmentId: segment.id,
            displayName: segment.displayName,
            tag: tagForSegment(segment.displayName, segment.id),
          },
        ],
        mapping: { ...suggested, email: suggested.email },
        syncMode: 'mirror',
        schedule: { kind: 'manual' },
      });
    },
  };
}
