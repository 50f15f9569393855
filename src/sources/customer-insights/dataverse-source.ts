/**
 * A Customer Insights environment read through Dataverse, Microsoft's supported route since the
 * Data API's deprecation (customer-insights.md §2b), as a `SegmentSource`.
 *
 * A page of members is one page of `msdynci_segmentmemberships` (the segment's members, by the
 * `contains` filter, each row checked again) and the profiles of those members from
 * `msdynci_customerprofiles`, fetched by id with `Microsoft.Dynamics.CRM.In` in batches of at most
 * 500 ids and 32,768 characters of URL. Pages follow `@odata.nextLink`; the cursor stores it, so a
 * stopped run reads the same page again.
 *
 * Proving the read complete – Dataverse publishes no refresh signal, and a refresh landing mid-read
 * can move members behind the cursor. So the read keeps a digest of the members it handed out
 * (core/membership-digest.ts) and, after the last page, pages through the membership once more
 * (ids only, 5,000 a page) to compare:
 *  1. equal: the segment did not change under the read; it is complete.
 *  2. different, first time: the read starts again from the first page of the new membership and
 *     says `membershipChanged` (rows already handed out stay handed out: upserts are idempotent).
 *  3. different again: the read ends with `complete: false` – current members may be missing, so
 *     the run removes no tags.
 * A member whose profile cannot be found is not read either, and also makes the read incomplete.
 */
import { z } from 'zod';
import { addMember, EMPTY_DIGEST, sameMembers } from '../../core/membership-digest.ts';
import type { MemberPage, ReadOptions, SegmentInfo, SegmentSource, SourceRow } from '../segment-source.ts';
import { DATAVERSE_MAX_PAGE_SIZE, type DataverseClient, type DataversePage } from './dataverse-client.ts';
import {
  CUSTOMER_ID,
  listsSegment,
  MAX_IN_VALUES,
  MAX_URL_LENGTH,
  MEMBERSHIPS,
  membershipFilter,
  PROFILE_COLUMN_PREFIX,
  PROFILE_ROW_ID,
  PROFILES,
  profilesByIdFilter,
  SEGMENTS_COLUMN,
} from './dataverse-query.ts';
import { CustomerInsightsError } from './errors.ts';
import { isAnnotation, withoutAnnotations } from './odata.ts';
import { PagesAhead } from './pages-ahead.ts';
import { decodeCursor, encodeCursor } from './read-cursor.ts';

export interface DataverseSourceOptions {
  client: DataverseClient;
  /** The segments the extension knows of in this environment: Dataverse publishes no list. */
  knownSegments: () => Promise<SegmentInfo[]>;
  /** Membership rows per page of members (default and most: 500, one profile batch). */
  pageSize?: number;
}

export interface DataverseMemberPage extends MemberPage {
  /** The membership changed since this read began (seen on this page or before). */
  membershipChanged: boolean;
  /** False once a member may be missing: the run must not remove tags on the strength of this read. */
  complete: boolean;
}

export interface MemberCount {
  count: number;
  /** False when counting stopped at `maxPages`: the segment has at least `count` members. */
  complete: boolean;
}

export const DEFAULT_MEMBER_PAGE_SIZE = MAX_IN_VALUES;
/**
 * Pages of members fetched ahead of the one asked for (pages-ahead.ts): each is two requests, the
 * memberships and their profiles, and a read one page at a time waits for both.
 */
const READ_AHEAD = 3;

interface MembersPage {
  ids: string[];
  nextLink: string | null;
  /** `ids` without repeats, in order. */
  distinct: string[];
  profiles: Map<string, Record<string, unknown>>;
}

/** A page of a read: the segment, the columns and where it starts. */
function aheadKey(segmentId: string, fields: readonly string[] | undefined, link: string | null): string {
  return JSON.stringify([segmentId, fields, link]);
}
const DESCRIBE_SAMPLE = 50;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const digestSchema = z.object({
  count: z.number().int().nonnegative(),
  sumA: z.number().int().nonnegative(),
  sumB: z.number().int().nonnegative(),
});

const cursorSchema = z.object({
  v: z.literal(1),
  /** 0 for the first pass, 1 after the restart. */
  pass: z.union([z.literal(0), z.literal(1)]),
  /** Reading members, or paging the membership once more to prove nothing moved. */
  phase: z.enum(['read', 'verify']),
  /** The `@odata.nextLink` to continue this phase with; null: its first page. */
  link: z.string().nullable(),
  /** Rows handed out in this pass. */
  position: z.number().int().nonnegative(),
  /** The members handed out in this pass. */
  read: digestSchema,
  /** The members the verifying pages found so far. */
  seen: digestSchema,
  changed: z.boolean(),
  complete: z.boolean(),
});
type Cursor = z.infer<typeof cursorSchema>;

export class DataverseSource implements SegmentSource {
  readonly #client: DataverseClient;
  readonly #knownSegments: () => Promise<SegmentInfo[]>;
  readonly #pageSize: number;
  readonly #ahead = new PagesAhead<MembersPage>();

  constructor(options: DataverseSourceOptions) {
    this.#client = options.client;
    this.#knownSegments = options.knownSegments;
    this.#pageSize = Math.min(options.pageSize ?? DEFAULT_MEMBER_PAGE_SIZE, MAX_IN_VALUES);
  }

  /**
   * One profile read: proves the organisation URL, the browser's access to it, the sign-in and its
   * resource, and that Customer Insights writes its tables there.
   */
  async checkAccess(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#client.page({ entitySet: PROFILES, params: [['$select', CUSTOMER_ID]] }, 1, options);
  }

  listSegments(): Promise<SegmentInfo[]> {
    return this.#knownSegments();
  }

  /**
   * The profile columns of a few members (every tenant's unification decides which exist), or of
   * a few profiles when the segment is empty. Only `msdynci_` columns are profile attributes.
   */
  async describeFields(segmentId: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const { signal } = options;
    const members = await this.#memberships(segmentId, null, DESCRIBE_SAMPLE, signal);
    const ids = members.ids.slice(0, DESCRIBE_SAMPLE);
    const rows = ids.length
      ? await this.#profiles(ids, undefined, signal)
      : (await this.#client.page({ entitySet: PROFILES, params: [] }, DESCRIBE_SAMPLE, { signal })).rows;
    const fields = new Set<string>();
    for (const row of rows) {
      for (const key of Object.keys(row)) {
        if (!isAnnotation(key) && key.startsWith(PROFILE_COLUMN_PREFIX) && key !== PROFILE_ROW_ID)
          fields.add(key);
      }
    }
    return [...fields];
  }

  async readMembers(
    segmentId: string,
    cursor: string | null,
    options: ReadOptions = {},
  ): Promise<DataverseMemberPage> {
    const position = cursor === null ? firstPass(0, false, true) : decodeCursor(cursorSchema, cursor);
    if (position.phase === 'verify') return this.#verify(segmentId, position, options.signal);

    const fields = options.fields && options.fields.length > 0 ? options.fields : undefined;
    const { signal } = options;
    const members = await this.#ahead.take(aheadKey(segmentId, fields, position.link), () =>
      this.#members(segmentId, position.link, fields, signal),
    );
    this.#readAhead(segmentId, fields, members.nextLink, signal, 1);
    const { distinct, profiles } = members;
    const rows: SourceRow[] = [];
    for (const id of distinct) {
      const profile = profiles.get(id);
      if (profile)
        rows.push({
          key: id,
          position: position.position + rows.length,
          values: profileValues(profile),
        });
    }
    const next: Cursor = {
      ...position,
      phase: members.nextLink === null ? 'verify' : 'read',
      link: members.nextLink,
      position: position.position + rows.length,
      read: members.ids.reduce(addMember, position.read),
      complete: position.complete && rows.length === distinct.length,
    };
    return { rows, next: encodeCursor(next), membershipChanged: next.changed, complete: next.complete };
  }

  /**
   * Members by counting verified membership rows, 5,000 a page, for at most `maxPages` pages – the
   * check a segment passes before it is offered, and its member count.
   */
  async countMembers(
    outputName: string,
    options: { maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<MemberCount> {
    let count = 0;
    let link: string | null = null;
    for (let page = 0; page < (options.maxPages ?? Number.POSITIVE_INFINITY); page++) {
      const members = await this.#memberships(outputName, link, DATAVERSE_MAX_PAGE_SIZE, options.signal);
      count += members.ids.length;
      link = members.nextLink;
      if (link === null) return { count, complete: true };
    }
    return { count, complete: false };
  }

  async #verify(
    segmentId: string,
    position: Cursor,
    signal: AbortSignal | undefined,
  ): Promise<DataverseMemberPage> {
    const members = await this.#memberships(segmentId, position.link, DATAVERSE_MAX_PAGE_SIZE, signal);
    const seen = members.ids.reduce(addMember, position.seen);
    if (members.nextLink !== null) {
      const next: Cursor = { ...position, link: members.nextLink, seen };
      return { rows: [], next: encodeCursor(next), membershipChanged: next.changed, complete: next.complete };
    }
    if (sameMembers(seen, position.read)) {
      return { rows: [], next: null, membershipChanged: position.changed, complete: position.complete };
    }
    if (position.pass === 0) {
      const next = firstPass(1, true, position.complete);
      return { rows: [], next: encodeCursor(next), membershipChanged: true, complete: next.complete };
    }
    return { rows: [], next: null, membershipChanged: true, complete: false };
  }

  /** A page of members: its membership rows, and the profiles of the customers they name. */
  async #members(
    segmentId: string,
    link: string | null,
    fields: readonly string[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<MembersPage> {
    const members = await this.#memberships(segmentId, link, this.#pageSize, signal);
    const distinct = [...new Set(members.ids)];
    const profiles = new Map<string, Record<string, unknown>>();
    for (const row of distinct.length ? await this.#profiles(distinct, fields, signal) : []) {
      const key = row[CUSTOMER_ID];
      if (typeof key === 'string' && !profiles.has(key)) profiles.set(key, row);
    }
    return { ...members, distinct, profiles };
  }

  /**
   * Starts fetching the pages of members that follow, `READ_AHEAD` of them: each page's link
   * comes with the page before it, so they are chained, the first one at once.
   */
  #readAhead(
    segmentId: string,
    fields: readonly string[] | undefined,
    link: string | null,
    signal: AbortSignal | undefined,
    depth: number,
  ): void {
    if (link === null || depth > READ_AHEAD) return;
    const page = this.#ahead.start(aheadKey(segmentId, fields, link), () =>
      this.#members(segmentId, link, fields, signal),
    );
    page.then(
      (members) => this.#readAhead(segmentId, fields, members.nextLink, signal, depth + 1),
      () => undefined,
    );
  }

  /** One page of the segment's membership rows: the customer ids of the rows that list it. */
  async #memberships(
    outputName: string,
    link: string | null,
    maxPageSize: number,
    signal: AbortSignal | undefined,
  ): Promise<{ ids: string[]; nextLink: string | null }> {
    const query = {
      entitySet: MEMBERSHIPS,
      params: [
        ['$select', `${CUSTOMER_ID},${SEGMENTS_COLUMN}`],
        ['$filter', membershipFilter(outputName)],
      ] as const,
    };
    const page: DataversePage = await this.#client.page(
      link === null ? query : { nextLink: link },
      maxPageSize,
      {
        signal,
      },
    );
    const ids: string[] = [];
    for (const row of page.rows) {
      const id = row[CUSTOMER_ID];
      if (typeof id === 'string' && id !== '' && listsSegment(row[SEGMENTS_COLUMN], outputName)) ids.push(id);
    }
    return { ids, nextLink: page.nextLink };
  }

  /** The profiles of `ids`, in batches that keep within `In`'s 500 values and the URL length limit. */
  async #profiles(
    ids: readonly string[],
    fields: readonly string[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>[]> {
    const select = fields ? [CUSTOMER_ID, ...fields.filter((field) => field !== CUSTOMER_ID)] : undefined;
    const invalid = select?.find((field) => !COLUMN.test(field));
    if (invalid !== undefined) {
      throw new CustomerInsightsError(
        'customer-insights.invalid-request',
        `“${invalid}” is not a Dataverse column name.`,
      );
    }
    const queryOf = (batch: readonly string[]) => ({
      entitySet: PROFILES,
      params: [
        ...(select ? [['$select', select.join(',')] as const] : []),
        ['$filter', profilesByIdFilter(batch)] as const,
      ],
    });
    const rows: Record<string, unknown>[] = [];
    let start = 0;
    while (start < ids.length) {
      let end = Math.min(ids.length, start + MAX_IN_VALUES);
      while (end > start + 1 && this.#client.urlOf(queryOf(ids.slice(start, end))).length > MAX_URL_LENGTH) {
        end = start + Math.floor((end - start) / 2);
      }
      let page = await this.#client.page(queryOf(ids.slice(start, end)), DATAVERSE_MAX_PAGE_SIZE, { signal });
      rows.push(...page.rows);
      while (page.nextLink !== null) {
        page = await this.#client.page({ nextLink: page.nextLink }, DATAVERSE_MAX_PAGE_SIZE, { signal });
        rows.push(...page.rows);
      }
      start = end;
    }
    return rows;
  }
}

/** The profile's columns, without annotations and without the row id Dataverse always returns. */
function profileValues(row: Record<string, unknown>): Record<string, unknown> {
  const { [PROFILE_ROW_ID]: _rowId, ...values } = withoutAnnotations(row);
  return values;
}

function firstPass(pass: 0 | 1, changed: boolean, complete: boolean): Cursor {
  return {
    v: 1,
    pass,
    phase: 'read',
    link: null,
    position: 0,
    read: EMPTY_DIGEST,
    seen: EMPTY_DIGEST,
    changed,
    complete,
  };
}
