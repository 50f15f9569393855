import { suggestMapping } from '../../core/mapping/suggest-mapping.ts';
import { matchPage, matchSegment } from '../../core/segment-page.ts';
import { tagForSegment } from '../../core/tag-name.ts';
import type { CiEnvironmentView, ExportDraft } from '../../messaging/protocol.ts';
import {
  CustomerInsightsError,
  SignInError,
  SignInRequiredError,
} from '../../sources/customer-insights/index.ts';
import {
  type CiEnvironmentRecord,
  getCiEnvironment,
  listCiEnvironments,
  putCiEnvironment,
  removeCiEnvironment,
  updateCiEnvironment,
} from '../../storage/ci-environments.ts';
import { listConnections } from '../../storage/connections.ts';
import { listExports } from '../../storage/exports.ts';
import type { Database } from '../../storage/open-database.ts';
import { secretHint, VaultError } from '../../storage/vault.ts';
import type { Roles } from '../roles.ts';
import { HandledError, type Handlers } from '../router.ts';
import type { CustomerInsightsEnvironments } from './environments.ts';
import type { CiSecrets } from './token-store.ts';

export interface CustomerInsightsDeps {
  ready: Promise<Database>;
  roles: Roles;
  secrets: CiSecrets;
  environments: CustomerInsightsEnvironments;
  /** Opens Microsoft's sign-in window (`interactiveLaunch` over `identity.launchWebAuthFlow`). */
  launch: (url: string) => Promise<string>;
  /** Export names per source id, to say what an environment is used by. */
  exportsBySource: () => Promise<Map<string, string[]>>;
  /** Saves a new export through the export handlers, with their validation. */
  saveExport: (draft: ExportDraft) => Promise<{ id: string }>;
  /** After a successful sign-in: runs that waited for it go on now rather than at the next watchdog. */
  signedIn: () => Promise<void>;
  now: () => number;
  newId: () => string;
}

type CustomerInsightsHandlers = Pick<
  Handlers,
  | 'ci.environments.list'
  | 'ci.environments.save'
  | 'ci.environments.signIn'
  | 'ci.environments.signOut'
  | 'ci.environments.remove'
  | 'ci.page.segment'
  | 'ci.exports.create'
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
  if (error instanceof VaultError) {
    return fail(
      'ci.secret-unreadable',
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

function stateOf(record: CiEnvironmentRecord): CiEnvironmentView['state'] {
  if (record.signedInAt === null) return 'signed-out';
  return record.signInRequired ? 'sign-in-required' : 'signed-in';
}

function view(record: CiEnvironmentRecord, usedBy: string[]): CiEnvironmentView {
  return {
    id: record.id,
    kind: 'customer-insights',
    environmentId: record.environmentId,
    name: record.name,
    tenant: record.tenant,
    clientId: record.clientId,
    keyHint: record.keyHint,
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

  async function requireRecord(id: string): Promise<CiEnvironmentRecord> {
    const record = await getCiEnvironment(await deps.ready, id);
    if (!record) throw fail('not-found', 'This Customer Insights environment is no longer set up.');
    return record;
  }

  async function viewOf(record: CiEnvironmentRecord): Promise<CiEnvironmentView> {
    return view(record, (await deps.exportsBySource()).get(record.id) ?? []);
  }

  return {
    async 'ci.environments.list'() {
      const db = await deps.ready;
      const [records, users] = await Promise.all([listCiEnvironments(db), deps.exportsBySource()]);
      records.sort((a, b) => a.createdAt - b.createdAt);
      return {
        redirectUrl: environments.redirectUrl(),
        environments: records.map((r) => view(r, users.get(r.id) ?? [])),
      };
    },

    async 'ci.environments.save'({ id, environmentId, tenant, clientId, subscriptionKey }) {
      const db = await deps.ready;
      const existing = id === undefined ? undefined : await requireRecord(id);
      const twin = (await listCiEnvironments(db)).find(
        (r) => r.environmentId === environmentId && r.id !== existing?.id,
      );
      if (twin) {
        throw fail('ci.duplicate-environment', 'This environment is already set up in Sources.');
      }
      if (!existing && subscriptionKey === undefined) {
        throw fail('ci.subscription-key-missing', 'Enter the API subscription key of the environment.');
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
      const record: CiEnvironmentRecord = {
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
      };
      await putCiEnvironment(db, record);
      environments.forget(recordId);
      return { environment: await viewOf(record) };
    },

    async 'ci.environments.signIn'({ id }) {
      const record = await requireRecord(id);
      await handled(() => environments.signIn(record, deps.launch));
      const db = await deps.ready;
      const signedIn = await updateCiEnvironment(db, id, (r) => ({
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
      const named = (name && (await updateCiEnvironment(db, id, (r) => ({ ...r, name })))) || signedIn;
      return { environment: await viewOf(named), segmentCount: segments.length };
    },

    async 'ci.environments.signOut'({ id }) {
      await requireRecord(id);
      await deps.secrets.forgetRefreshToken(id);
      await updateCiEnvironment(await deps.ready, id, (r) => ({
        ...r,
        signedInAt: null,
        signInRequired: false,
      }));
      environments.forget(id);
      return { accepted: true };
    },

    async 'ci.environments.remove'({ id }) {
      const users = (await deps.exportsBySource()).get(id) ?? [];
      if (users.length) {
        throw new HandledError({
          code: 'source-in-use',
          message: 'Exports still use this environment. Remove it from those exports first.',
          retryable: false,
          details: users,
        });
      }
      await removeCiEnvironment(await deps.ready, id);
      environments.forget(id);
      return { accepted: true };
    },

    async 'ci.page.segment'({ page }) {
      const db = await deps.ready;
      const records = (await listCiEnvironments(db)).map((record) => ({
        record,
        environmentId: record.environmentId,
        segments: [],
      }));
      const found = matchPage(page, records);
      if (!found) return { state: 'no-environment', environmentId: page.guids[0] ?? '' };
      if (found.kind === 'unknown-environment') {
        return { state: 'no-environment', environmentId: found.environmentId };
      }
      const { record } = found.environment;
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
      const match = matchSegment(page, segments);
      if (!match) return { state: 'not-found', sourceId: record.id };
      const id = match.id.toLowerCase();
      const exportIds = (await listExports(db))
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

    async 'ci.exports.create'({ sourceId, segmentId }) {
      const db = await deps.ready;
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
          'ci.no-email-field',
          'No field of this segment looks like an email address. Add the export in Options › Exports and choose the Email field.',
        );
      }
      const role = await deps.roles.current();
      const connection = (await listConnections(db))
        .filter((c) => role === 'administrator' || c.shareWith === 'administrators-and-contributors')
        .sort((a, b) => a.displayName.localeCompare(b.displayName))[0];
      if (!connection) {
        throw fail(
          'ci.no-connection',
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
