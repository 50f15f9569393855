import { suggestMapping } from '../../core/mapping/suggest-mapping.ts';
import {
  displayNameFor,
  matchPage,
  matchSegment,
  type PageClues,
  unknownOutputNames,
} from '../../core/segment-page.ts';
import { tagForSegment } from '../../core/tag-name.ts';
import type { CustomerInsightsPageSegment, CustomerInsightsSegment } from '../../messaging/protocol.ts';
import {
  type DataverseSource,
  OrgAccessRequiredError,
  SignInRequiredError,
} from '../../sources/customer-insights/index.ts';
import { listConnections } from '../../storage/connections.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  type KnownSegment,
  listCustomerInsightsEnvironments,
} from '../../storage/customer-insights-environments.ts';
import { listExports } from '../../storage/exports.ts';
import { type Handlers, refusal } from '../router.ts';
import type { CustomerInsightsDeps, EnvironmentAccess } from './environment-handlers.ts';
import { stateOf } from './environment-view.ts';
import { asHandled, handled } from './handled-errors.ts';
import { countSegment, keepSegment } from './known-segment-handlers.ts';

type PageHandlers = Pick<Handlers, 'customer-insights.page.segment' | 'customer-insights.exports.create'>;

/** A known Dataverse segment's count is taken again when the popup shows it after this long. */
export const COUNT_STALE_MS = 60 * 60_000;
/** Address strings tried as output names of segments Dataverse has not been asked about yet. */
export const MAX_OUTPUT_NAME_GUESSES = 4;

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function fromKnown(segment: KnownSegment): CustomerInsightsSegment {
  return {
    id: segment.id,
    displayName: segment.displayName,
    memberCount: segment.countComplete ? segment.memberCount : null,
    membersAtLeast: segment.countComplete ? null : segment.memberCount,
    lastRefreshedAt: null,
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

/** The popup on a Customer Insights page: which segment it shows, and "Export now". */
export function createPageHandlers(
  deps: CustomerInsightsDeps,
  { requireRecord }: EnvironmentAccess,
): PageHandlers {
  const { environments } = deps;

  /**
   * The segment of a Dataverse environment the page shows: a known one (its count taken again when
   * old), else the first output name of the address that Dataverse finds members of, which is then
   * known from now on – counted before it is offered.
   */
  async function dataverseSegment(
    record: CustomerInsightsEnvironmentRecord,
    source: DataverseSource,
    page: PageClues,
  ): Promise<CustomerInsightsSegment | null> {
    const known = matchSegment(page, record.segments);
    if (known) {
      if (deps.now() - known.countedAt < COUNT_STALE_MS) return fromKnown(known);
      const updated = await keepSegment(deps, record.id, known, await countSegment(source, known.id));
      return fromKnown(updated?.segments.find((s) => sameName(s.id, known.id)) ?? known);
    }
    for (const name of unknownOutputNames(page, record.segments).slice(0, MAX_OUTPUT_NAME_GUESSES)) {
      const count = await countSegment(source, name);
      if (count.count === 0) continue;
      const segment = { id: name, displayName: displayNameFor(name, page), from: 'page' as const };
      const updated = await keepSegment(deps, record.id, segment, count);
      const kept = updated?.segments.find((s) => sameName(s.id, name));
      return kept ? fromKnown(kept) : null;
    }
    return null;
  }

  async function dataApiSegment(
    record: CustomerInsightsEnvironmentRecord,
    page: PageClues,
  ): Promise<CustomerInsightsSegment | null> {
    const source = await environments.sourceFor(record.id);
    const match = source ? matchSegment(page, await source.listSegments()) : null;
    if (!match) return null;
    const { id, displayName, memberCount, lastRefreshedAt } = match;
    return { id, displayName, memberCount, membersAtLeast: null, lastRefreshedAt };
  }

  return {
    async 'customer-insights.page.segment'({ page }, { role }): Promise<CustomerInsightsPageSegment> {
      const { db } = deps;
      const records = (await listCustomerInsightsEnvironments(db)).map((record) => ({
        record,
        environmentId: record.environmentId,
        segments: [],
      }));
      const found = matchPage(page, records);
      if (found?.kind !== 'environment') {
        return { state: 'no-environment', environmentId: found?.environmentId ?? page.guids[0] ?? '' };
      }
      const { record } = found.environment;
      const signInRequired = {
        state: 'sign-in-required',
        sourceId: record.id,
        environmentId: record.environmentId,
      } as const;
      const accessRequired = {
        state: 'access-required',
        sourceId: record.id,
        orgUrl: record.orgUrl ?? '',
      } as const;
      if (!(await environments.reachable(record))) return accessRequired;
      if (stateOf(record) !== 'signed-in') return signInRequired;
      let segment: CustomerInsightsSegment | null;
      try {
        const dataverse = await environments.dataverseFor(record);
        segment = dataverse
          ? await dataverseSegment(record, dataverse, page)
          : await dataApiSegment(record, page);
      } catch (error) {
        if (error instanceof SignInRequiredError) return signInRequired;
        if (error instanceof OrgAccessRequiredError) return accessRequired;
        throw asHandled(error);
      }
      if (!segment) return { state: 'not-found', sourceId: record.id };
      const id = segment.id;
      const exportIds = (await deps.exportsFor(role))
        .filter((e) => e.segments.some((s) => s.sourceId === record.id && sameName(s.segmentId, id)))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => e.id);
      return { state: 'segment', sourceId: record.id, route: record.route, segment, exportIds };
    },

    async 'customer-insights.exports.create'({ sourceId, segmentId }, { role }) {
      const { db } = deps;
      await requireRecord(sourceId);
      const source = await environments.sourceFor(sourceId);
      if (!source) throw refusal('not-found');
      const { segment, fields } = await handled(async () => {
        const found = (await source.listSegments()).find((s) => sameName(s.id, segmentId));
        return { segment: found, fields: found ? await source.describeFields(found.id) : [] };
      });
      if (!segment) throw refusal('segment-missing');
      const suggested = suggestMapping(fields);
      if (suggested.email === undefined) {
        throw refusal('customer-insights.no-email-field');
      }
      const connection = (await listConnections(db))
        .filter((c) => role === 'administrator' || c.shareWith === 'administrators-and-contributors')
        .sort((a, b) => a.displayName.localeCompare(b.displayName))[0];
      if (!connection) {
        throw refusal('customer-insights.no-connection');
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
