import type { CustomerInsightsEnvironmentView } from '../../messaging/protocol.ts';
import {
  type CustomerInsightsEnvironmentRecord,
  environmentAllowsLockedRuns,
} from '../../storage/customer-insights-environments.ts';

export function stateOf(record: CustomerInsightsEnvironmentRecord): CustomerInsightsEnvironmentView['state'] {
  if (record.signedInAt === null) return 'signed-out';
  return record.signInRequired ? 'sign-in-required' : 'signed-in';
}

/** What Sources may show of an environment: no secret, only the key's last four characters. */
export function view(
  record: CustomerInsightsEnvironmentRecord,
  usedBy: string[],
): CustomerInsightsEnvironmentView {
  return {
    id: record.id,
    kind: 'customer-insights',
    route: record.route,
    environmentId: record.environmentId,
    orgUrl: record.orgUrl,
    name: record.name,
    tenant: record.tenant,
    clientId: record.clientId,
    keyHint: record.keyHint,
    allowLockedRuns: environmentAllowsLockedRuns(record),
    state: stateOf(record),
    signedInAt: record.signedInAt,
    usedBy,
    segments: record.segments,
  };
}
