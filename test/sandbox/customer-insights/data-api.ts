import type { IncomingMessage, ServerResponse } from 'node:http';
import { CUSTOMER_INSIGHTS_AUDIENCE, type EntraId } from './entra-id.ts';
import { sendJson } from './http-helpers.ts';
import { InjectedFaults } from './injected-faults.ts';
import { customerAt, PROFILE_FIELDS, type Profile, type ProfileValue, profileAt } from './profiles.ts';
import {
  type EnvironmentState,
  findEnvironment,
  findSegment,
  type RefreshesDuringReads,
  type SegmentState,
  universeSize,
} from './sandbox-state.ts';

const API_ORIGIN = 'https://api.ci.ai.dynamics.com';

export interface DataApiSettings {
  maxPageSize: number;
  subscriptionKeys: string[];
}

/** One read of `…/data/Customer`, as the sandbox understood and answered it. */
export interface DataRead {
  environmentId: string;
  /** Output name from `IsMemberOfSegment('…')`, or null for the unfiltered table. */
  segment: string | null;
  skip: number;
  top: number | null;
  returned: number;
  /** The segment's generation the rows came from (see `refreshSegment`). */
  generation: number | null;
}

/**
 * The Customer Insights Data API (`/v1`). Every call needs a valid `Ocp-Apim-Subscription-Key`
 * (checked first, as the API gateway does) and a live bearer token from the sandbox's Entra ID with
 * the Customer Insights audience. Faults are injected per request (`faults`).
 */
export class DataApi {
  readonly reads: DataRead[] = [];
  readonly faults = new InjectedFaults();

  constructor(
    private readonly environments: EnvironmentState[],
    private readonly entraId: EntraId,
    private readonly mutations: RefreshesDuringReads,
    readonly settings: DataApiSettings,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.authorized(req, res)) return;
    const fault = this.faults.take();
    if (fault?.kind === 'throttle') {
      const seconds = fault.retryAfterSeconds;
      sendJson(
        res,
        429,
        { statusCode: 429, message: `Rate limit is exceeded. Try again in ${seconds} seconds.` },
        { 'retry-after': String(seconds) },
      );
      return;
    }
    if (fault?.kind === 'fail') {
      sendJson(res, fault.status, odataError('ServiceUnavailable', 'The sandbox failed on purpose.'));
      return;
    }
    const url = new URL(req.url ?? '/', API_ORIGIN);
    if (req.method !== 'GET') {
      sendJson(res, 405, odataError('MethodNotAllowed', `${req.method} is not supported.`));
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1' || parts[1] !== 'instances') {
      sendJson(res, 404, odataError('NotFound', 'No such resource.'));
      return;
    }
    if (parts.length === 2) {
      sendJson(res, 200, this.environments.map(instanceInfo));
      return;
    }
    const environment = findEnvironment(this.environments, parts[2] ?? '');
    if (!environment) {
      sendJson(res, 404, odataError('InstanceNotFound', `No instance ${parts[2]} for this user.`));
      return;
    }
    const rest = parts.slice(3).join('/');
    if (rest === '') {
      sendJson(res, 200, instanceInfo(environment));
    } else if (rest === 'manage/segments') {
      sendJson(
        res,
        200,
        environment.segments.map((segment) => segmentMetadata(environment, segment)),
      );
    } else if (rest === 'data/Customer') {
      this.readCustomers(environment, url.searchParams, res);
    } else {
      sendJson(res, 404, odataError('NotFound', `No resource ${rest}.`));
    }
  }

  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const key = req.headers['ocp-apim-subscription-key'];
    if (typeof key !== 'string' || key === '') {
      sendJson(res, 401, {
        statusCode: 401,
        message:
          'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      });
      return false;
    }
    if (!this.settings.subscriptionKeys.includes(key)) {
      sendJson(res, 401, {
        statusCode: 401,
        message:
          'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
      });
      return false;
    }
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const check = bearer ? this.entraId.checkAccessToken(bearer) : null;
    if (!check?.ok || check.token.audience !== CUSTOMER_INSIGHTS_AUDIENCE) {
      const expired = check?.ok === false && check.reason === 'expired';
      const description = !bearer
        ? 'Bearer token is missing.'
        : expired
          ? 'The access token has expired.'
          : 'The access token is invalid or not for Customer Insights.';
      sendJson(
        res,
        401,
        odataError(expired ? 'ExpiredAuthenticationToken' : 'InvalidAuthenticationToken', description),
        {
          'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/v2.0/authorize", error="invalid_token", error_description="${description}"`,
        },
      );
      return false;
    }
    return true;
  }

  private readCustomers(environment: EnvironmentState, query: URLSearchParams, res: ServerResponse): void {
    const parsed = parseODataQuery(query, this.settings.maxPageSize);
    if ('error' in parsed) {
      sendJson(res, 400, odataError('BadRequest', parsed.error));
      return;
    }
    let segment: SegmentState | undefined;
    if (parsed.segment !== null) {
      segment = findSegment(environment, parsed.segment);
      if (!segment) {
        sendJson(
          res,
          400,
          odataError('BadRequest', `Segment '${parsed.segment}' does not exist in this instance.`),
        );
        return;
      }
    }
    const total = segment ? segment.size : universeSize(environment);
    const count = Math.max(0, Math.min(parsed.pageSize, total - parsed.skip));
    const value: Partial<Record<keyof Profile, ProfileValue>>[] = [];
    for (let n = 0; n < count; n++) {
      const position = parsed.descending ? total - 1 - (parsed.skip + n) : parsed.skip + n;
      const profile = segment
        ? profileAt(segment, position)
        : customerAt(environment.segments[0]?.seed ?? 1, position);
      value.push(project(profile, parsed.select));
    }
    const select = parsed.select ? `(${parsed.select.join(',')})` : '';
    const body: Record<string, unknown> = {
      '@odata.context': `${API_ORIGIN}/v1/instances/${environment.id}/data/$metadata#Customer${select}`,
    };
    if (parsed.count) body['@odata.count'] = total;
    body.value = value;
    this.reads.push({
      environmentId: environment.id,
      segment: segment?.name ?? null,
      skip: parsed.skip,
      top: parsed.top,
      returned: value.length,
      generation: segment?.generation ?? null,
    });
    sendJson(res, 200, body);
    if (segment) this.mutations.served(environment, segment, value.length);
  }
}

interface ODataQuery {
  segment: string | null;
  select: string[] | null;
  descending: boolean;
  skip: number;
  top: number | null;
  pageSize: number;
  count: boolean;
}

const SEGMENT_FILTER = /^\s*IsMemberOfSegment\(\s*'((?:[^']|'')*)'\s*\)\s*$/;
const ORDER_BY = /^\s*CustomerId(?:\s+(asc|desc))?\s*$/i;

export function parseODataQuery(query: URLSearchParams, maxPageSize: number): ODataQuery | { error: string } {
  const filter = query.get('$filter');
  let segment: string | null = null;
  if (filter !== null) {
    const match = SEGMENT_FILTER.exec(filter);
    if (!match) return { error: "The sandbox supports only $filter=IsMemberOfSegment('<output name>')." };
    segment = (match[1] as string).replace(/''/g, "'");
  }
  let select: string[] | null = null;
  const selectText = query.get('$select');
  if (selectText !== null) {
    select = selectText.split(',').map((field) => field.trim());
    const unknown = select.find((field) => !(PROFILE_FIELDS as readonly string[]).includes(field));
    if (unknown !== undefined)
      return { error: `Could not find a property named '${unknown}' on type 'Customer'.` };
  }
  const orderBy = query.get('$orderby');
  const order = orderBy === null ? null : ORDER_BY.exec(orderBy);
  if (orderBy !== null && !order) return { error: 'The sandbox can order only by CustomerId (asc or desc).' };
  if (query.has('$skiptoken'))
    return { error: 'The sandbox does not issue skip tokens; page with $top and $skip.' };
  const skip = nonNegativeInteger(query.get('$skip'));
  const top = nonNegativeInteger(query.get('$top'));
  if (skip === undefined) return { error: '$skip must be a non-negative integer.' };
  if (top === undefined) return { error: '$top must be a non-negative integer.' };
  const countText = query.get('$count');
  if (countText !== null && countText !== 'true' && countText !== 'false') {
    return { error: '$count must be true or false.' };
  }
  return {
    segment,
    select,
    descending: order?.[1]?.toLowerCase() === 'desc',
    skip: skip ?? 0,
    top,
    pageSize: Math.min(top ?? maxPageSize, maxPageSize),
    count: countText === 'true',
  };
}

/** Absent → null; present but not a non-negative integer → undefined. */
function nonNegativeInteger(text: string | null): number | null | undefined {
  if (text === null) return null;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function project(profile: Profile, select: string[] | null): Partial<Record<keyof Profile, ProfileValue>> {
  if (!select) return profile;
  const row: Partial<Record<keyof Profile, ProfileValue>> = {};
  for (const field of select as (keyof Profile)[]) row[field] = profile[field];
  return row;
}

function odataError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** The sandbox's shape of an instance (the real model is not published in full). */
function instanceInfo(environment: EnvironmentState): Record<string, unknown> {
  return {
    instanceId: environment.id,
    name: environment.displayName,
    provisioningState: 'Succeeded',
    instanceType: 'Production',
  };
}

/**
 * A segment as Microsoft's client library models it: `SegmentMetadata` (name = output table name,
 * friendlyName, description, state, evaluationStatus, version, updatedUtc, createdUtc, instanceId)
 * with `evaluationStatus` as `SegmentationPublishStats` (jobStatus, evaluationDate, entityCount,
 * error, lastSuccessfulRunId). Nothing else: no displayName, memberCount or lastRefreshed.
 */
function segmentMetadata(environment: EnvironmentState, segment: SegmentState): Record<string, unknown> {
  const finished = segment.jobStatus === 'CompletedSuccess';
  return {
    name: segment.name,
    friendlyName: segment.displayName,
    description: segment.description,
    state: 'active',
    evaluationStatus: {
      jobStatus: segment.jobStatus,
      evaluationDate: segment.lastRefreshed.toISOString(),
      entityCount: segment.size,
      error: finished ? null : { value: `The sandbox says the job is ${segment.jobStatus}.` },
      lastSuccessfulRunId: runIdOf(segment.generation),
    },
    version: segment.generation,
    updatedUtc: segment.lastRefreshed.toISOString(),
    createdUtc: segment.createdUtc.toISOString(),
    instanceId: environment.id,
  };
}

/** A GUID per refresh generation, stable across calls. */
function runIdOf(generation: number): string {
  return `00000000-0000-4000-8000-${generation.toString(16).padStart(12, '0')}`;
}
