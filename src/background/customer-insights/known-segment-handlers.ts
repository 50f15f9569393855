import type { Role } from '../../messaging/protocol.ts';
import type { DataverseSource, MemberCount } from '../../sources/customer-insights/index.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  type KnownSegment,
  updateCustomerInsightsEnvironment,
} from '../../storage/customer-insights-environments.ts';
import { listExports } from '../../storage/exports.ts';
import { type Handlers, refusal } from '../router.ts';
import type { CustomerInsightsDeps, EnvironmentAccess } from './environment-handlers.ts';
import { handled } from './handled-errors.ts';

/**
 * Pages of 5,000 counted before a segment is offered: exact up to 25,000 members, a lower bound
 * above – enough to tell a segment with members from a name that has none, in a few seconds.
 */
export const COUNT_PAGES = 5;

type KnownSegmentHandlers = Pick<
  Handlers,
  | 'customer-insights.segments.add'
  | 'customer-insights.segments.recount'
  | 'customer-insights.segments.remove'
>;

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function countSegment(source: DataverseSource, outputName: string): Promise<MemberCount> {
  return source.countMembers(outputName, { maxPages: COUNT_PAGES });
}

/** Keeps (or updates) a counted segment in the environment's record. */
export async function keepSegment(
  deps: Pick<CustomerInsightsDeps, 'db' | 'now'>,
  recordId: string,
  segment: { id: string; displayName: string; from: KnownSegment['from'] },
  count: MemberCount,
): Promise<CustomerInsightsEnvironmentRecord | undefined> {
  const kept: KnownSegment = {
    ...segment,
    memberCount: count.count,
    countComplete: count.complete,
    countedAt: deps.now(),
  };
  return updateCustomerInsightsEnvironment(deps.db, recordId, (record) => {
    const others = record.segments.filter((s) => !sameName(s.id, segment.id));
    const before = record.segments.find((s) => sameName(s.id, segment.id));
    // A name the user gave, or one already shown, is not replaced by the output name.
    const displayName =
      before && segment.displayName === segment.id ? before.displayName : segment.displayName;
    return { ...record, segments: [...others, { ...kept, displayName, from: before?.from ?? segment.from }] };
  });
}

/**
 * Sources › a Dataverse environment's segments. Dataverse lists no segments, so the user names one
 * by its output name, and it is kept only once counting finds members (customer-insights.md §2b).
 */
export function createKnownSegmentHandlers(
  deps: CustomerInsightsDeps,
  { requireRecord, viewOf }: EnvironmentAccess,
): KnownSegmentHandlers {
  async function dataverseOf(
    id: string,
  ): Promise<{ record: CustomerInsightsEnvironmentRecord; source: DataverseSource }> {
    const record = await requireRecord(id);
    const source = await deps.environments.dataverseFor(record);
    if (!source) {
      throw refusal('customer-insights.segments-listed');
    }
    return { record, source };
  }

  async function recounted(
    record: CustomerInsightsEnvironmentRecord,
    segment: KnownSegment,
    source: DataverseSource,
    role: Role,
  ) {
    const count = await handled(() => countSegment(source, segment.id));
    const updated = await keepSegment(deps, record.id, segment, count);
    return { environment: await viewOf(updated ?? record, role) };
  }

  return {
    async 'customer-insights.segments.add'({ id, outputName, displayName }, { role }) {
      const { record, source } = await dataverseOf(id);
      const count = await handled(() => countSegment(source, outputName));
      if (count.count === 0) {
        throw refusal('customer-insights.segment-empty', { params: { name: outputName } });
      }
      const segment = { id: outputName, displayName: displayName || outputName, from: 'user' as const };
      const updated = await keepSegment(deps, record.id, segment, count);
      return { environment: await viewOf(updated ?? record, role) };
    },

    async 'customer-insights.segments.recount'({ id, segmentId }, { role }) {
      const { record, source } = await dataverseOf(id);
      const segment = record.segments.find((s) => sameName(s.id, segmentId));
      if (!segment) throw refusal('segment-missing');
      return recounted(record, segment, source, role);
    },

    async 'customer-insights.segments.remove'({ id, segmentId }, { role }) {
      const record = await requireRecord(id);
      const users = (await listExports(deps.db))
        .filter((e) => e.segments.some((s) => s.sourceId === record.id && sameName(s.segmentId, segmentId)))
        .map((e) => e.name);
      if (users.length) {
        throw refusal('segment-in-use', { details: users });
      }
      const updated = await updateCustomerInsightsEnvironment(deps.db, id, (r) => ({
        ...r,
        segments: r.segments.filter((s) => !sameName(s.id, segmentId)),
      }));
      return { environment: await viewOf(updated ?? record, role) };
    },
  };
}
