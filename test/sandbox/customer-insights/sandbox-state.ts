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
