import type { Clock } from '../../core/clock.ts';
import {
  type AccessTokens,
  CustomerInsightsSource,
  DataApiClient,
  DataverseClient,
  DataverseSource,
  dataverseScope,
  type EntraConfig,
  SignInRequiredError,
  signIn,
  TokenProvider,
} from '../../sources/customer-insights/index.ts';
import type { SegmentInfo, SegmentSource } from '../../sources/segment-source.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  getCustomerInsightsEnvironment,
  type KnownSegment,
  listCustomerInsightsEnvironments,
  updateCustomerInsightsEnvironment,
} from '../../storage/customer-insights-environments.ts';
import type { Database } from '../../storage/open-database.ts';
import { VaultError } from '../../storage/vault.ts';
import type { CustomerInsightsSecrets } from './secrets.ts';

export interface CustomerInsightsPlatform {
  db: Database;
  secrets: CustomerInsightsSecrets;
  fetch: typeof fetch;
  clock: Clock;
  /** `identity.getRedirectURL()`: the redirect URI the app registration lists. */
  redirectUrl: () => string;
  /** Whether the browser lets the extension reach an origin (`permissions.contains`). */
  originAllowed: (origin: string) => Promise<boolean>;
}

type Entry = {
  /** The record's `updatedAt` the entry was built for; a saved change builds a new one. */
  version: number;
  provider: TokenProvider;
} & (
  | { route: 'data-api'; source: CustomerInsightsSource; client: DataApiClient }
  | { route: 'dataverse'; source: DataverseSource }
);

/**
 * The Customer Insights environments as segment sources. One TokenProvider per environment lives
 * in the worker's memory, so concurrent reads share one refresh and an access token outlives the
 * event that got it; everything else comes back from IndexedDB and the vault when a stopped worker
 * starts again. When Entra refuses the stored sign-in, the environment is marked "sign in again"
 * where Sources and the popup can see it.
 */
export class CustomerInsightsEnvironments {
  readonly #platform: CustomerInsightsPlatform;
  readonly #entries = new Map<string, Entry>();

  constructor(platform: CustomerInsightsPlatform) {
    this.#platform = platform;
  }

  redirectUrl(): string {
    return this.#platform.redirectUrl();
  }

  /** A sign-in per environment, for its one resource: the Data API, or its Dataverse organisation. */
  entraConfig(record: CustomerInsightsEnvironmentRecord): EntraConfig {
    return {
      tenant: record.tenant,
      clientId: record.clientId,
      redirectUri: this.#platform.redirectUrl(),
      ...(record.route === 'dataverse' && record.orgUrl ? { scope: dataverseScope(record.orgUrl) } : {}),
    };
  }

  /** Drops what memory holds for an environment (its access token too), after it changed or went. */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  forgetAll(): void {
    this.#entries.clear();
  }

  async sourceFor(id: string): Promise<SegmentSource | undefined> {
    const record = await getCustomerInsightsEnvironment(this.#platform.db, id);
    return record && (await this.#entry(record)).source;
  }

  /** The Dataverse source of an environment read through Dataverse, for counting and checking. */
  async dataverseFor(record: CustomerInsightsEnvironmentRecord): Promise<DataverseSource | undefined> {
    const entry = await this.#entry(record);
    return entry.route === 'dataverse' ? entry.source : undefined;
  }

  /** Whether the browser lets the extension reach the environment's organisation (true for the Data API). */
  async reachable(record: CustomerInsightsEnvironmentRecord): Promise<boolean> {
    return record.route !== 'dataverse' || !record.orgUrl || this.#platform.originAllowed(record.orgUrl);
  }

  /** Every environment, with a source whose listing never fails (see `listingOnly`). */
  async listed(): Promise<{ sourceId: string; source: SegmentSource }[]> {
    const records = await listCustomerInsightsEnvironments(this.#platform.db);
    const listed = [];
    for (const record of records) {
      if (record.signedInAt === null || record.signInRequired) continue;
      // Its secrets need the unlocked vault key: while locked it lists nothing, like a signed-out one.
      const entry = await this.#entry(record).catch((error: unknown) => {
        if (error instanceof VaultError && error.code === 'locked') return null;
        throw error;
      });
      if (entry) listed.push({ sourceId: record.id, source: listingOnly(entry.source) });
    }
    return listed;
  }

  /** The interactive sign-in: a new refresh token in the vault, the access token in memory. */
  async signIn(
    record: CustomerInsightsEnvironmentRecord,
    launch: (url: string) => Promise<string>,
  ): Promise<void> {
    const { fetch, clock } = this.#platform;
    const tokens = await signIn(this.entraConfig(record), { fetch, clock, launch, prompt: 'select_account' });
    this.forget(record.id);
    await (await this.#entry(record)).provider.accept(tokens);
  }

  /**
   * The environment's name as `GET /v1/instances` gives it, or null when it is not listed there.
   * Dataverse has no such list of Customer Insights environments: null.
   */
  async instanceName(record: CustomerInsightsEnvironmentRecord): Promise<string | null> {
    const entry = await this.#entry(record);
    if (entry.route !== 'data-api') return null;
    const instances = await entry.client.listInstances();
    return instances.find((i) => i.instanceId.toLowerCase() === record.environmentId)?.name ?? null;
  }

  async #entry(record: CustomerInsightsEnvironmentRecord): Promise<Entry> {
    const held = this.#entries.get(record.id);
    if (held?.version === record.updatedAt) return held;
    const { secrets, fetch, clock, db, originAllowed } = this.#platform;
    const provider = new TokenProvider({
      entra: this.entraConfig(record),
      fetch,
      clock,
      refreshToken: await secrets.refreshToken(record.id),
      saveRefreshToken: (token) => secrets.saveRefreshToken(record.id, token),
    });
    const tokens = this.#flagging(record.id, provider);
    let entry: Entry;
    if (record.route === 'dataverse' && record.orgUrl) {
      const orgUrl = record.orgUrl;
      const client = new DataverseClient({
        orgUrl,
        tokens,
        fetch,
        clock,
        originAllowed: () => originAllowed(orgUrl),
      });
      const knownSegments = async () =>
        ((await getCustomerInsightsEnvironment(db, record.id))?.segments ?? []).map(segmentInfo);
      entry = {
        version: record.updatedAt,
        provider,
        route: 'dataverse',
        source: new DataverseSource({ client, knownSegments }),
      };
    } else {
      const subscriptionKey = await secrets.subscriptionKey(record.id);
      const options = {
        subscriptionKey,
        tokens,
        fetch,
        clock,
      };
      entry = {
        version: record.updatedAt,
        provider,
        route: 'data-api',
        source: new CustomerInsightsSource({ ...options, instanceId: record.environmentId }),
        client: new DataApiClient(options),
      };
    }
    this.#entries.set(record.id, entry);
    return entry;
  }

  /** The provider's tokens, marking the environment "sign in again" when Entra wants the user. */
  #flagging(id: string, provider: TokenProvider): AccessTokens {
    const flag = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } catch (error) {
        if (error instanceof SignInRequiredError) {
          await updateCustomerInsightsEnvironment(this.#platform.db, id, (r) =>
            r.signInRequired || r.signedInAt === null ? r : { ...r, signInRequired: true },
          );
        }
        throw error;
      }
    };
    return {
      accessToken: (signal) => flag(provider.accessToken(signal)),
      renew: (rejected, signal) => flag(provider.renew(rejected, signal)),
    };
  }
}

/**
 * A known segment as a source lists it. Dataverse publishes no refresh time, so none is claimed –
 * which also keeps "After each source refresh" from being offered for it – and a count that stopped
 * early is no member count.
 */
function segmentInfo(segment: KnownSegment): SegmentInfo {
  return {
    id: segment.id,
    displayName: segment.displayName,
    memberCount: segment.countComplete ? segment.memberCount : null,
    lastRefreshedAt: null,
  };
}

/**
 * For the export form's segment list: an environment that cannot be read right now (signed out,
 * unreachable) shows no segments instead of hiding every other source's; Sources says why.
 */
function listingOnly(source: SegmentSource): SegmentSource {
  return {
    listSegments: (options) => source.listSegments(options).catch(() => []),
    describeFields: (segmentId, options) => source.describeFields(segmentId, options),
    readMembers: (segmentId, cursor, options) => source.readMembers(segmentId, cursor, options),
  };
}
