import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntraId } from './entra-id.ts';
import { sendJson, sendText } from './http-helpers.ts';
import { InjectedFaults } from './injected-faults.ts';
import { customerAt, customerIdAt, PROFILE_FIELDS, type Profile } from './profiles.ts';
import {
  type EnvironmentState,
  type RefreshesDuringReads,
  type SegmentState,
  universeSize,
} from './sandbox-state.ts';

/**
 * The Dataverse Web API of each environment's organisation (`https://<orgHost>/api/data/v9.2/`), as
 * far as Customer Insights' tables go (customer-insights.md §2b; every behaviour and its source is
 * in README.md, and guesses say so there):
 * - `msdynci_segmentmemberships`: one row per customer in at least one segment, whose
 *   `msdynci_segments` is a JSON list of the segment names; `$filter=contains(msdynci_segments,'…')`
 *   with SQL LIKE semantics (`%`, `_`, `[…]` wildcards and escapes).
 * - `msdynci_customerprofiles`: one row per customer, columns `msdynci_` + lower-case attribute;
 *   `$filter=Microsoft.Dynamics.CRM.In(PropertyName='msdynci_customerid',PropertyValues=[…])`
 *   (at most 500 values) or `msdynci_customerid eq '…'`.
 * - paging by `Prefer: odata.maxpagesize` (at most 5,000) and `@odata.nextLink` with a `$skiptoken`
 *   paging cookie keyed on the primary key; no `$skip`; `$count=true` counts at most 5,000.
 * - a bearer token whose audience is the organisation; 429 with `Retry-After` on demand.
 */

export const DATAVERSE_PATH = '/api/data/v9.2/';
const MAX_PAGE = 5_000;
const MAX_COUNT = 5_000;
const MAX_IN_VALUES = 500;
const MAX_URL_LENGTH = 32_768;

/** One read of a table, as the sandbox understood and answered it. */
export interface DataverseRead {
  host: string;
  entitySet: string;
  /** `$filter` as received (decoded). */
  filter: string | null;
  select: string[] | null;
  /** `Prefer: odata.maxpagesize` as asked, null when absent. */
  maxPageSize: number | null;
  /** Whether this was a next page (`$skiptoken`). */
  nextPage: boolean;
  returned: number;
}

const MEMBERSHIP_COLUMNS = [
  'msdynci_segmentmembershipid',
  'msdynci_customerid',
  'msdynci_segmentprovider',
  'msdynci_segmentmembershiptype',
  'msdynci_segments',
  'msdynci_identifier',
] as const;

/** `msdynci_` + the unified attribute's lower-case name, plus columns every Dataverse table has. */
export const PROFILE_COLUMNS: Record<string, keyof Profile> = Object.fromEntries(
  PROFILE_FIELDS.map((field) => [`msdynci_${field.toLowerCase()}`, field]),
);
const SYSTEM_COLUMNS = ['msdynci_customerprofileid', 'createdon', 'versionnumber'] as const;

type Row = Record<string, unknown>;

export class Dataverse {
  readonly reads: DataverseRead[] = [];
  readonly faults = new InjectedFaults();

  constructor(
    private readonly environments: EnvironmentState[],
    private readonly entraId: EntraId,
    private readonly mutations: RefreshesDuringReads,
  ) {}

  hosts(): string[] {
    return this.environments.map((environment) => environment.orgHost);
  }

  handle(host: string, req: IncomingMessage, res: ServerResponse): void {
    const environment = this.environments.find((e) => e.orgHost === host);
    if (!environment) {
      sendText(res, 404, 'text/plain; charset=utf-8', `Unknown organisation ${host}`);
      return;
    }
    if (!this.authorized(environment, req, res)) return;
    const fault = this.faults.take();
    if (fault?.kind === 'throttle') {
      const seconds = fault.retryAfterSeconds;
      sendJson(
        res,
        429,
        error('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'),
        { 'retry-after': String(seconds) },
      );
      return;
    }
    if (fault?.kind === 'fail') {
      sendJson(res, fault.status, error('0x80040216', 'The sandbox failed on purpose.'));
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, error('0x80060888', `The sandbox models reads only, not ${req.method}.`));
      return;
    }
    const raw = req.url ?? '/';
    if (raw.length > MAX_URL_LENGTH) {
      sendText(res, 414, 'text/plain; charset=utf-8', 'Request-URI Too Long');
      return;
    }
    const url = new URL(raw, `https://${host}`);
    if (!url.pathname.startsWith(DATAVERSE_PATH)) {
      sendJson(res, 404, error('0x8006088a', 'Resource not found.'));
      return;
    }
    const entitySet = url.pathname.slice(DATAVERSE_PATH.length);
    const asked = /odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''))?.[1];
    const query = url.searchParams;
    if (query.has('$skip')) {
      sendJson(res, 400, error('0x80060888', 'The query parameter $skip is not supported.'));
      return;
    }
    const read: Omit<DataverseRead, 'returned'> = {
      host,
      entitySet,
      filter: query.get('$filter'),
      select: query.get('$select')?.split(',') ?? null,
      maxPageSize: asked === undefined ? null : Number(asked),
      nextPage: query.has('$skiptoken'),
    };
    const table = this.table(environment, entitySet, read.filter);
    if ('status' in table) {
      sendJson(res, table.status, error(table.code, table.message));
      return;
    }
    const columns = entitySet === 'msdynci_segmentmemberships' ? MEMBERSHIP_COLUMNS : profileColumns();
    const unknown = read.select?.find((column) => !(columns as readonly string[]).includes(column));
    if (unknown !== undefined) {
      const type =
        entitySet === 'msdynci_segmentmemberships' ? 'msdynci_segmentmembership' : 'msdynci_customerprofile';
      sendJson(
        res,
        400,
        error(
          '0x80060888',
          `Could not find a property named '${unknown}' on type 'Microsoft.Dynamics.CRM.${type}'.`,
        ),
      );
      return;
    }
    const after = afterIndexOf(query.get('$skiptoken'));
    const pageSize = Math.min(read.maxPageSize ?? MAX_PAGE, MAX_PAGE);
    const page = take(table.ranges, after, pageSize + 1);
    const key =
      entitySet === 'msdynci_segmentmemberships'
        ? 'msdynci_segmentmembershipid'
        : 'msdynci_customerprofileid';
    const value = page.slice(0, pageSize).map((index) => project(table.row(index), read.select, key));
    const body: Row = { '@odata.context': `https://${host}${DATAVERSE_PATH}$metadata#${entitySet}` };
    if (query.get('$count') === 'true') {
      const total = table.ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
      body['@odata.count'] = Math.min(total, MAX_COUNT);
      if (total > MAX_COUNT) body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = true;
    }
    body.value = value;
    const last = page[pageSize - 1];
    if (page.length > pageSize && last !== undefined) {
      // The query as received, with the paging cookie of this page: `$` options stay literal.
      const options = (raw.split('?')[1] ?? '')
        .split('&')
        .filter((part) => part && !part.startsWith('$skiptoken='));
      options.push(`$skiptoken=${encodeURIComponent(skipToken(key, idOf(environment, last)))}`);
      body['@odata.nextLink'] = `https://${host}${url.pathname}?${options.join('&')}`;
    }
    this.reads.push({ ...read, returned: value.length });
    sendJson(
      res,
      200,
      body,
      read.maxPageSize === null ? {} : { 'preference-applied': `odata.maxpagesize=${pageSize}` },
    );
    if (table.segment) this.mutations.served(environment, table.segment, value.length);
  }

  private authorized(environment: EnvironmentState, req: IncomingMessage, res: ServerResponse): boolean {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const check = bearer ? this.entraId.checkAccessToken(bearer) : null;
    if (check?.ok && check.token.audience === `https://${environment.orgHost}`) return true;
    // Dataverse names the authority and itself as the resource a token must be for.
    res.writeHead(401, {
      'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", resource_id="https://${environment.orgHost}/"`,
      'content-length': '0',
    });
    res.end();
    return false;
  }

  /** The rows a filter selects, as ranges of customer indices in primary-key order, and how to render one. */
  private table(
    environment: EnvironmentState,
    entitySet: string,
    filter: string | null,
  ): { ranges: Range[]; row: (index: number) => Row; segment?: SegmentState } | Failure {
    const seed = environment.segments[0]?.seed ?? 1;
    if (entitySet === 'msdynci_segmentmemberships') {
      const pattern = filter === null ? null : CONTAINS.exec(filter)?.[1];
      if (pattern === undefined) {
        return unsupported('The sandbox filters memberships only with contains(msdynci_segments,…).');
      }
      const like = pattern === null ? () => true : likeMatcher(pattern.replace(/''/g, "'"));
      const ranges = membershipRanges(environment)
        .filter((range) => like(range.json))
        .map((range): Range => [range.from, range.to]);
      // The one segment the filter names, for refreshes armed to land during its read.
      const named = environment.segments.filter((s) => like(JSON.stringify([s.name])));
      return {
        ranges,
        row: (index) => membershipRow(environment, seed, index),
        ...(named.length === 1 && named[0] ? { segment: named[0] } : {}),
      };
    }
    if (entitySet === 'msdynci_customerprofiles') {
      const universe = universeSize(environment);
      if (filter === null)
        return { ranges: [[0, universe]], row: (index) => profileRow(environment, seed, index) };
      const ids = idsOf(filter);
      if ('status' in ids) return ids;
      const indices = new Set<number>();
      for (const id of ids.ids) {
        const index = indexOfCustomerId(id);
        if (index >= 0 && index < universe && customerIdAt(seed, index) === id) indices.add(index);
      }
      const ranges = [...indices].sort((a, b) => a - b).map((index): Range => [index, index + 1]);
      return { ranges, row: (index) => profileRow(environment, seed, index) };
    }
    return { status: 404, code: '0x80060888', message: `Resource not found for the segment '${entitySet}'.` };
  }
}

type Range = [from: number, to: number];
type Failure = { status: number; code: string; message: string };

/** Up to `count` indices of the ranges that come after `after`. */
function take(ranges: readonly Range[], after: number, count: number): number[] {
  const taken: number[] = [];
  for (const [from, to] of ranges) {
    for (let index = Math.max(from, after + 1); index < to && taken.length < count; index++)
      taken.push(index);
    if (taken.length >= count) break;
  }
  return taken;
}

const CONTAINS = /^\s*contains\(\s*msdynci_segments\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/;
const IN_FILTER =
  /^\s*Microsoft\.Dynamics\.CRM\.In\(\s*PropertyName\s*=\s*'msdynci_customerid'\s*,\s*PropertyValues\s*=\s*\[(.*)\]\s*\)\s*$/s;
const EQ_FILTER = /^\s*msdynci_customerid\s+eq\s+'((?:[^']|'')*)'\s*$/;

function idsOf(filter: string): { ids: string[] } | Failure {
  const eq = EQ_FILTER.exec(filter);
  if (eq) return { ids: [(eq[1] as string).replace(/''/g, "'")] };
  const inList = IN_FILTER.exec(filter);
  if (!inList) return unsupported('The sandbox filters profiles only by msdynci_customerid (eq or In).');
  const values = [...(inList[1] as string).matchAll(/'((?:[^']|'')*)'/g)].map((m) =>
    (m[1] as string).replace(/''/g, "'"),
  );
  if (values.length > MAX_IN_VALUES) {
    return unsupported(
      `The In function accepts at most ${MAX_IN_VALUES} values; ${values.length} were given.`,
    );
  }
  return { ids: values };
}

function unsupported(message: string): Failure {
  return { status: 400, code: '0x80060888', message };
}

/**
 * SQL LIKE (SQL Server's dialect, which Dataverse's `contains` becomes): `%` any run, `_` any one
 * character, `[…]` a set (so `[_]`, `[%]`, `[[]` are the literal characters), case-insensitive.
 * The pattern is searched anywhere in the text, as `contains` does.
 */
export function likeMatcher(pattern: string): (text: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      const set = pattern.slice(i + 1, close);
      source += `[${set.replace(/[\\[\]^-]/g, (c, at: number) => (c === '^' && at === 0 ? '^' : `\\${c}`))}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(source, 'iu');
  return (text) => regex.test(text);
}

/** Customers in the same segments form ranges: `[from, to)` with one `msdynci_segments` text each. */
function membershipRanges(environment: EnvironmentState): { from: number; to: number; json: string }[] {
  const cuts = [...new Set(environment.segments.flatMap((s) => [s.start, s.start + s.size]))].sort(
    (a, b) => a - b,
  );
  const ranges = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] as number;
    const names = segmentsAt(environment, from);
    if (names.length) ranges.push({ from, to, json: JSON.stringify(names) });
  }
  return ranges;
}

function segmentsAt(environment: EnvironmentState, index: number): string[] {
  return environment.segments.filter((s) => index >= s.start && index < s.start + s.size).map((s) => s.name);
}

function membershipRow(environment: EnvironmentState, seed: number, index: number): Row {
  const customerId = customerIdAt(seed, index);
  const identifier = `${customerId}|CustomerInsights|Customer|Segments`;
  return {
    '@odata.etag': `W/"${1000 + index}"`,
    msdynci_segmentmembershipid: idOf(environment, index),
    msdynci_customerid: customerId,
    msdynci_segmentprovider: 'CustomerInsights',
    msdynci_segmentmembershiptype: 'Customer',
    msdynci_segments: JSON.stringify(segmentsAt(environment, index)),
    msdynci_identifier: identifier,
  };
}

function profileRow(environment: EnvironmentState, seed: number, index: number): Row {
  const profile = customerAt(seed, index);
  const row: Row = {
    '@odata.etag': `W/"${2000 + index}"`,
    msdynci_customerprofileid: idOf(environment, index),
    createdon: '2026-01-02T08:00:00Z',
    versionnumber: 2000 + index,
  };
  for (const [column, field] of Object.entries(PROFILE_COLUMNS)) row[column] = profile[field];
  return row;
}

function profileColumns(): string[] {
  return [...SYSTEM_COLUMNS, ...Object.keys(PROFILE_COLUMNS)];
}

/** Dataverse always returns the primary key, selected or not (`webapi/query/page-results`). */
function project(row: Row, select: string[] | null, key: string): Row {
  if (!select) return row;
  const projected: Row = { '@odata.etag': row['@odata.etag'], [key]: row[key] };
  for (const column of select) projected[column] = row[column];
  return projected;
}

/** A row id with the customer index in its first 8 hex digits, so that id order is index order. */
function idOf(environment: EnvironmentState, index: number): string {
  const tail = environment.id.replace(/-/g, '').slice(-12);
  return `${index.toString(16).padStart(8, '0')}-0000-4000-8000-${tail}`;
}

function indexOfCustomerId(id: string): number {
  return /^[0-9a-f]{8}-/.test(id) ? Number.parseInt(id.slice(0, 8), 16) : -1;
}

/** A paging cookie shaped like Dataverse's, carrying the last primary key of the page. */
function skipToken(key: string, lastId: string): string {
  const cookie = `<cookie page="1"><${key} last="{${lastId.toUpperCase()}}" /></cookie>`;
  return `<cookie pagenumber="2" pagingcookie="${encodeURIComponent(encodeURIComponent(cookie))}" istracking="False" />`;
}

function afterIndexOf(token: string | null): number {
  if (token === null) return -1;
  const cookie = decodeURIComponent(decodeURIComponent(/pagingcookie="([^"]*)"/.exec(token)?.[1] ?? ''));
  const last = /last="\{([0-9A-F]{8})-/i.exec(cookie)?.[1];
  return last === undefined ? -1 : Number.parseInt(last, 16);
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
