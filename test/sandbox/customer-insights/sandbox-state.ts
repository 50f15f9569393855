import { DEFAULT_ENVIRONMENTS } from './default-environments.ts';
import type { SegmentMembership } from './profiles.ts';

/** How a test describes a segment; everything but the names has a default. */
export interface SegmentDefinition {
  /** Output table name, the one the Data API's `IsMemberOfSegment('…')` takes. */
  name: string;
  displayName: string;
  size: number;
  /** Index of the first member in the environment's customer universe; overlapping ranges share customers. */
  offset?: number;
  /** How many members leave (lowest CustomerIds) and join (above the highest) at each refresh. */
  churnPerRefresh?: number;
  description?: string;
}

export interface EnvironmentDefinition {
  id: string;
  displayName: string;
  /** Host of the Dataverse organisation the environment writes its tables to (default: from the id). */
  orgHost?: string;
  segments: SegmentDefinition[];
}

/** The live state of a segment; pass it to `profileAt`/`segmentSize` to compute what the server serves. */
export interface SegmentState extends SegmentMembership {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  /** Bumped by every refresh; membership is `[start, start + size)` of the customer universe. */
  generation: number;
  churnPerRefresh: number;
  lastRefreshed: Date;
  createdUtc: Date;
  /** `SegmentationPublishStats.jobStatus` of the segment's latest evaluation. */
  jobStatus: SegmentJobStatus;
}

/** The job states Microsoft's client library lists for a segment evaluation. */
export type SegmentJobStatus =
  | 'None'
  | 'Queued'
  | 'Running'
  | 'CompletedSuccess'
  | 'CompletedFailure'
  | 'Cancelled'
  | 'Interrupted'
  | 'NotQualified';

export interface EnvironmentState {
  readonly id: string;
  readonly displayName: string;
  /** e.g. `contoso.crm4.dynamics.com`; the organisation URL is `https://<orgHost>`. */
  readonly orgHost: string;
  readonly segments: SegmentState[];
}

export function createEnvironmentStates(
  definitions: EnvironmentDefinition[] = DEFAULT_ENVIRONMENTS,
  seed = 1,
  now: Date = new Date(),
): EnvironmentState[] {
  return definitions.map((environment) => ({
    id: environment.id.toLowerCase(),
    displayName: environment.displayName,
    orgHost: (environment.orgHost ?? `org${environment.id.slice(0, 8)}.crm.dynamics.com`).toLowerCase(),
    segments: environment.segments.map((segment) => ({
      seed,
      name: segment.name,
      displayName: segment.displayName,
      description: segment.description ?? '',
      start: segment.offset ?? 0,
      size: segment.size,
      generation: 0,
      churnPerRefresh: segment.churnPerRefresh ?? Math.max(1, Math.floor(segment.size / 100)),
      // A day ago, so that a refresh is visibly newer.
      lastRefreshed: new Date(now.getTime() - 86_400_000),
      createdUtc: new Date(now.getTime() - 30 * 86_400_000),
      jobStatus: 'CompletedSuccess',
    })),
  }));
}

export function findEnvironment(environments: EnvironmentState[], id: string): EnvironmentState | undefined {
  const wanted = id.toLowerCase();
  return environments.find((environment) => environment.id === wanted);
}

/** Output names are matched case-insensitively, as Customer Insights treats table names. */
export function findSegment(environment: EnvironmentState, name: string): SegmentState | undefined {
  const wanted = name.toLowerCase();
  return environment.segments.find((segment) => segment.name.toLowerCase() === wanted);
}

export interface RefreshOptions {
  /** Members leaving at the low end and joining at the high end; defaults to the segment's churnPerRefresh. */
  churn?: number | undefined;
  /** New member count after the refresh; defaults to unchanged. */
  size?: number | undefined;
}

/**
 * A refresh as Customer Insights runs it: a new generation whose membership slid up the customer
 * universe by `churn` (the lowest CustomerIds leave, new ones join above the highest), and a newer
 * last-refreshed time (strictly later, even within the same millisecond).
 */
export function refreshSegment(segment: SegmentState, options: RefreshOptions = {}): SegmentState {
  segment.start += options.churn ?? segment.churnPerRefresh;
  if (options.size !== undefined) segment.size = options.size;
  segment.generation++;
  segment.jobStatus = 'CompletedSuccess';
  segment.lastRefreshed = new Date(Math.max(Date.now(), segment.lastRefreshed.getTime() + 1));
  return segment;
}

/** How many customers the environment's profile table holds: every segment's range, and nothing above. */
export function universeSize(environment: EnvironmentState): number {
  return environment.segments.reduce((size, segment) => Math.max(size, segment.start + segment.size), 0);
}

export interface MutateDuringReadOptions {
  /** Rows of this segment the server serves (from now on, on either route) before the refresh lands. */
  afterRows: number;
  churn?: number;
  size?: number;
  environmentId?: string;
}

/**
 * Refreshes armed to land in the middle of a read, on the Data API or Dataverse alike: each counts
 * the segment's rows served and refreshes it once the page crossing its threshold has gone out
 * (that page still comes from the old membership).
 */
export class RefreshesDuringReads {
  private readonly plans: {
    environmentId: string;
    segment: string;
    rowsLeft: number;
    churn: number | undefined;
    size: number | undefined;
  }[] = [];

  arm(environmentId: string, segment: string, options: MutateDuringReadOptions): void {
    this.plans.push({
      environmentId: environmentId.toLowerCase(),
      segment: segment.toLowerCase(),
      rowsLeft: options.afterRows,
      churn: options.churn,
      size: options.size,
    });
  }

  served(environment: EnvironmentState, segment: SegmentState, rows: number): void {
    for (const plan of [...this.plans]) {
      if (plan.environmentId !== environment.id || plan.segment !== segment.name.toLowerCase()) continue;
      plan.rowsLeft -= rows;
      if (plan.rowsLeft > 0) continue;
      this.plans.splice(this.plans.indexOf(plan), 1);
      refreshSegment(segment, { churn: plan.churn, size: plan.size });
    }
  }
}
