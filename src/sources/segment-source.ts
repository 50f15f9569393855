import type { ErrorCode } from '../core/error-code.ts';

/**
 * The one small interface every source of segments implements (DESIGN.md §2): Customer Insights
 * environments and uploaded files alike. The export engine only ever talks to this.
 */
export interface SegmentInfo {
  id: string;
  displayName: string;
  /** Null where the source cannot tell without reading every member. */
  memberCount: number | null;
  /** Epoch ms of the segment's last refresh (Customer Insights) or upload (files). */
  lastRefreshedAt: number | null;
}

export interface SourceRow {
  /** A stable key of the profile in its source (CustomerId, or the file's line number). */
  key: string;
  /** Where the row came from, for rejected-row reports (file line or source position). */
  position: number;
  values: Record<string, unknown>;
}

export interface MemberPage {
  rows: SourceRow[];
  /** Where to continue; null when the segment has been read to its end. */
  next: string | null;
  /**
   * False when the source knows this read may have missed members (the segment changed under it
   * more than it could make up for). A run then removes no tags: a missed member is no leaver.
   */
  complete?: boolean;
}

export interface ReadOptions {
  /** The source fields the export maps; a source may read only these. */
  fields?: readonly string[];
  signal?: AbortSignal;
}

export interface SegmentSource {
  listSegments(options?: { signal?: AbortSignal }): Promise<SegmentInfo[]>;
  /** Field names found in the data (a source's schema differs per tenant or file). */
  describeFields(segmentId: string, options?: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * One page of members from `cursor` (null: from the start). Cursors are opaque strings that can
   * be persisted: reading again from the same cursor gives the same page, so a stopped run resumes.
   */
  readMembers(segmentId: string, cursor: string | null, options?: ReadOptions): Promise<MemberPage>;
}

/**
 * A source error that only the user can resolve (e.g. "sign in again"). Runs wait for it instead
 * of failing: they go on by themselves once the user has acted.
 */
export interface NeedsUserError extends Error {
  readonly needsUser: true;
  /** What the user has to do, for the run's "waiting" line (e.g. `sign-in.required`). */
  readonly code: ErrorCode;
}

export function needsUser(error: unknown): error is NeedsUserError {
  return error instanceof Error && (error as Partial<NeedsUserError>).needsUser === true;
}

/**
 * How long a source's service asked to be left alone before the next request (a 429's
 * `Retry-After` longer than the source waits by itself), or undefined when it did not say.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
