/**
 * A Customer Insights environment as a `SegmentSource`: segments from `manage/segments`, members
 * from `data/Customer?$filter=IsMemberOfSegment('<output name>')`, paged with `$top`/`$skip` in
 * `CustomerId` order.
 *
 * Paging: the server may return fewer rows than `$top` without being at the end (it caps pages),
 * so `$skip` advances by the rows actually received, and only an empty page or `@odata.count`
 * reached ends a read. An empty page before the count is reached ends it too, but as
 * `complete: false`: the members after it were never read, and Mirror must not untag them.
 *
 * Members changing during the read (a segment refresh lands mid-read) – decided behaviour:
 * paging by `$skip` over a membership that moved misses or repeats members, and a member missed
 * would be a current member left untagged (or, in Mirror mode, untagged on purpose). So:
 *  1. Detect. Every page asks `$count=true`; a count different from the one this pass started
 *     with means a refresh. At the end of a pass the segment's refresh stamp (`version` and
 *     last-refreshed time from `manage/segments`) is compared with the one taken when the pass
 *     began, which also catches refreshes that kept the size. A tenant that reports neither is
 *     checked by count alone.
 *  2. Restart once. On the first refresh seen, the page hands out the rows it got, says
 *     `membershipChanged: true`, and its cursor starts a new pass from `$skip=0` of the new
 *     membership. Rows already handed out stay handed out: upserts are idempotent and unchanged
 *     contacts are skipped by the ledger, and members who have left keep their tag until the next
 *     run (the safe direction). Positions start again at 0 in the new pass.
 *  3. Not twice. If the segment changes again during the second pass, the read goes on to the end
 *     and reports `complete: false`: current members may be missing, so the run must not remove
 *     tags on the strength of this read, and should say the segment was refreshed during the export.
 * `membershipChanged` stays true on every later page of the read, so a resumed run still knows.
 */
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { MemberPage, ReadOptions, SegmentInfo, SegmentSource, SourceRow } from '../segment-source.ts';
import {
  CUSTOMER_KEY,
  type CustomerPage,
  DataApiClient,
  DEFAULT_PAGE_SIZE,
  type SegmentMetadata,
} from './data-api-client.ts';
import { CustomerInsightsError } from './errors.ts';
import { isAnnotation, withoutAnnotations } from './odata.ts';
import { PagesAhead } from './pages-ahead.ts';
import { decodeCursor, encodeCursor } from './read-cursor.ts';
import type { AccessTokens } from './token-provider.ts';

export interface CustomerInsightsSourceOptions {
  /** The environment GUID. */
  instanceId: string;
  /** The Data API's `Ocp-Apim-Subscription-Key` (primary or secondary). */
  subscriptionKey: string;
  tokens: AccessTokens;
  fetch: typeof fetch;
  clock: Clock;
  /** `$top` of each member page (default 100). The server may answer fewer. */
  pageSize?: number;
  /**
   * Members one `readMembers` gathers from consecutive pages (default `ROWS_PER_READ`); 1 hands out
   * each page as it comes.
   */
  rowsPerRead?: number;
  random?: () => number;
}

export interface CustomerInsightsMemberPage extends MemberPage {
  /** The segment was refreshed since this read began (seen on this page or before). */
  membershipChanged: boolean;
  /**
   * False once the segment changed again after the read restarted: some current members may be
   * missing, so do not remove tags of members this read did not see.
   */
  complete: boolean;
}

const cursorSchema = z.object({
  v: z.literal(1),
  skip: z.number().int().nonnegative(),
  /** `@odata.count` when this pass began; null until its first page answered. */
  count: z.number().int().nonnegative().nullable(),
  /** The segment's refresh stamp when this pass began; null when the API reports none. */
  stamp: z.string().nullable(),
  /** 0 for the first pass, 1 after the restart. */
  pass: z.union([z.literal(0), z.literal(1)]),
  changed: z.boolean(),
  complete: z.boolean(),
});
type Cursor = z.infer<typeof cursorSchema>;

const keySchema = z.union([z.string().min(1), z.number()]);

function stampOf(segment: SegmentMetadata): string | null {
  if (segment.version === null && segment.lastRefreshedAt === null) return null;
  return JSON.stringify([segment.version, segment.lastRefreshedAt]);
}

/**
 * Member pages requested ahead of the one asked for (pages-ahead.ts): at least `MIN_READ_AHEAD`,
 * and enough to cover the next read's `rowsPerRead`, up to `MAX_READ_AHEAD` requests at once. A
 * page fetched ahead at a `$skip` the read does not reach (a short page moved it) is dropped,
 * never used.
 */
const MIN_READ_AHEAD = 3;
const MAX_READ_AHEAD = 10;

/**
 * A run pays a fixed cost per read it takes in (a transaction, its checkpoint, the brand lookups),
 * so a read hands out this many members – the rows of a file source's page – rather than one
 * Data API page of 100: at 100 a Customer Insights run cost the worker a quarter more CPU per
 * contact than a file's.
 */
export const ROWS_PER_READ = 1_000;

export class CustomerInsightsSource implements SegmentSource {
  readonly #client: DataApiClient;
  readonly #instanceId: string;
  readonly #pageSize: number;
  readonly #rowsPerRead: number;
  readonly #ahead = new PagesAhead<CustomerPage>();

  constructor(options: CustomerInsightsSourceOptions) {
    this.#instanceId = options.instanceId;
    this.#pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.#rowsPerRead = options.rowsPerRead ?? ROWS_PER_READ;
    this.#client = new DataApiClient({
      subscriptionKey: options.subscriptionKey,
      tokens: options.tokens,
      fetch: options.fetch,
      clock: options.clock,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  async listSegments(options: { signal?: AbortSignal } = {}): Promise<SegmentInfo[]> {
    const segments = await this.#client.listSegments(this.#instanceId, options);
    return segments.map((s) => ({
      id: s.name,
      displayName: s.displayName,
      memberCount: s.memberCount,
      lastRefreshedAt: s.lastRefreshedAt,
    }));
  }

  /**
   * The union of the fields of one page of members. Tenants name fields differently, so they are
   * discovered from the data; an empty segment is described by the whole `Customer` table.
   */
  async describeFields(segmentId: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const read = (segmentName: string | null): Promise<CustomerPage> =>
      this.#client.readCustomers(this.#instanceId, { segmentName, top: this.#pageSize, skip: 0 }, options);
    let page = await read(segmentId);
    if (page.rows.length === 0) page = await read(null);
    const fields = new Set<string>();
    for (const row of page.rows) for (const key of Object.keys(row)) if (!isAnnotation(key)) fields.add(key);
    return [...fields];
  }

  /**
   * Consecutive pages from `cursor` until `rowsPerRead` members, the end, or a restart (whose new
   * pass starts the next read, so positions never go back within one). The last page's cursor and
   * flags are the read's: they carry everything seen before them.
   */
  async readMembers(
    segmentId: string,
    cursor: string | null,
    options: ReadOptions = {},
  ): Promise<CustomerInsightsMemberPage> {
    const position =
      cursor === null ? await this.#firstPass(segmentId, options.signal) : decodeCursor(cursorSchema, cursor);
    let page = await this.#readPage(segmentId, position, options);
    if (page.next === null || page.membershipChanged !== position.changed) return page;
    const rows = page.rows;
    while (page.next !== null && rows.length < this.#rowsPerRead) {
      page = await this.#readPage(segmentId, decodeCursor(cursorSchema, page.next), options);
      for (const row of page.rows) rows.push(row);
      if (page.membershipChanged !== position.changed) break;
    }
    return { ...page, rows };
  }

  /** One page of members at `position`, and where the read goes on (see the top of this file). */
  async #readPage(
    segmentId: string,
    position: Cursor,
    options: ReadOptions,
  ): Promise<CustomerInsightsMemberPage> {
    const signal = options.signal;
    const select = options.fields && options.fields.length > 0 ? options.fields : undefined;
    const page = await this.#memberPage(segmentId, select, position.skip, signal);
    if (page.rows.length > 0)
      this.#readAhead(segmentId, select, position.skip, page.rows.length, page.count, signal);
    const rows = page.rows.map((row, i) => toSourceRow(row, position.skip + i));
    const countMoved = position.count !== null && page.count !== null && page.count !== position.count;
    if (countMoved && position.pass === 0) {
      return { ...restart(position, stampOf(await this.#segment(segmentId, signal))), rows };
    }

    const changed = position.changed || countMoved;
    const complete = position.complete && !countMoved;
    // After a second change the new count is the one to reach.
    const count = countMoved ? page.count : (position.count ?? page.count);
    const skip = position.skip + rows.length;
    // An empty page before the count is reached ends the read, but members were left unread.
    const stoppedShort = rows.length === 0 && count !== null && skip < count;
    const atEnd = rows.length === 0 || (count !== null && skip >= count);
    if (!atEnd) {
      const next: Cursor = { ...position, skip, count, changed, complete };
      return { rows, next: encodeCursor(next), membershipChanged: changed, complete };
    }
    const stamp = stampOf(await this.#segment(segmentId, signal));
    const refreshed = position.stamp !== null && stamp !== position.stamp;
    if (refreshed && position.pass === 0) return { ...restart(position, stamp), rows };
    return {
      rows,
      next: null,
      membershipChanged: changed || refreshed,
      complete: complete && !refreshed && !stoppedShort,
    };
  }

  /** The page of members at `skip`: fetched ahead already, or now. */
  #memberPage(
    segmentId: string,
    select: readonly string[] | undefined,
    skip: number,
    signal: AbortSignal | undefined,
  ): Promise<CustomerPage> {
    return this.#ahead.take(JSON.stringify([segmentId, select, skip]), () =>
      this.#readCustomers(segmentId, select, skip, signal),
    );
  }

  #readCustomers(
    segmentId: string,
    select: readonly string[] | undefined,
    skip: number,
    signal: AbortSignal | undefined,
  ): Promise<CustomerPage> {
    return this.#client.readCustomers(
      this.#instanceId,
      { segmentName: segmentId, select, top: this.#pageSize, skip, count: true },
      { signal },
    );
  }

  /**
   * After a page of `received` rows at `skip`: starts fetching the next pages, as far
   * as the count goes, each as long as this one (the server's own cap when it caps below `$top`).
   */
  #readAhead(
    segmentId: string,
    select: readonly string[] | undefined,
    skip: number,
    received: number,
    count: number | null,
    signal: AbortSignal | undefined,
  ): void {
    const wanted = new Set<string>();
    const ahead = Math.min(MAX_READ_AHEAD, Math.max(MIN_READ_AHEAD, Math.ceil(this.#rowsPerRead / received)));
    for (let k = 1; k <= ahead; k++) {
      const next = skip + k * received;
      if (count !== null && next >= count) break;
      const key = JSON.stringify([segmentId, select, next]);
      wanted.add(key);
      this.#ahead.start(key, () => this.#readCustomers(segmentId, select, next, signal));
    }
    this.#ahead.keepOnly(wanted);
  }

  async #segment(segmentId: string, signal: AbortSignal | undefined): Promise<SegmentMetadata> {
    const wanted = segmentId.toLowerCase();
    const segments = await this.#client.listSegments(this.#instanceId, { signal });
    // Customer Insights treats table names case-insensitively.
    const segment = segments.find((s) => s.name.toLowerCase() === wanted);
    if (!segment) {
      throw new CustomerInsightsError(
        'customer-insights.segment-not-found',
        `The segment "${segmentId}" no longer exists in this Customer Insights environment.`,
      );
    }
    return segment;
  }

  async #firstPass(segmentId: string, signal: AbortSignal | undefined): Promise<Cursor> {
    const stamp = stampOf(await this.#segment(segmentId, signal));
    return { v: 1, skip: 0, count: null, stamp, pass: 0, changed: false, complete: true };
  }
}

/** A new pass from the start of the membership the segment has now (see the top of this file). */
function restart(position: Cursor, stamp: string | null): CustomerInsightsMemberPage {
  const next: Cursor = { ...position, skip: 0, count: null, stamp, pass: 1, changed: true };
  return { rows: [], next: encodeCursor(next), membershipChanged: true, complete: position.complete };
}

function toSourceRow(row: Record<string, unknown>, position: number): SourceRow {
  const key = keySchema.safeParse(row[CUSTOMER_KEY]);
  if (!key.success) {
    throw new CustomerInsightsError(
      'customer-insights.unexpected-response',
      `Customer Insights returned a profile without ${CUSTOMER_KEY}.`,
    );
  }
  return { key: String(key.data), position, values: withoutAnnotations(row) };
}
