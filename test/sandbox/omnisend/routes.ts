import {
  type BatchStatus,
  type BatchStore,
  batchSummary,
  batchWithItems,
  type StoredBatch,
} from './batch-store.ts';
import type { BrandRegistry, SandboxBrand } from './brands.ts';
import {
  type ContactRequest,
  contactValueErrors,
  parseTimestamp,
  type SubscriptionStatus,
} from './contact-request.ts';
import { type ContactStore, decodeCursor, type ListQuery, type TagSelectors } from './contact-store.ts';
import type { OpenApiContract } from './contract.ts';
import type { DeferredTasks } from './deferred-tasks.ts';
import { type FieldError, newInstance, problems, type Reply, validationFailedBody } from './problems.ts';
import type { RequestLog } from './request-log.ts';

/**
 * The documented operations, keyed `METHOD /template` as in the OpenAPI documents. Requests reach
 * a route only after authentication, rate limiting, version, contract and scope checks, so bodies
 * here already match their schema.
 */

export interface SandboxServices {
  contract: OpenApiContract;
  registry: BrandRegistry;
  contacts(brandId: string): ContactStore;
  batches: BatchStore;
  tagTasks: DeferredTasks;
  tagApplyDelayMs: number;
  /** GET /batches entries carry per-item results (see OmnisendSandboxOptions). */
  listedBatchItems: boolean;
  log: RequestLog;
}

export interface RouteContext {
  services: SandboxServices;
  brand: SandboxBrand;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, valid against the operation's requestBody schema. */
  json: unknown;
  instance: string;
  now: number;
}

export interface Route {
  /** The scope the API key needs for this request. */
  scope(context: RouteContext): string;
  handle(context: RouteContext): Reply;
}

const API_BASE = 'https://api.omnisend.com/api';

const fixed =
  (scope: string) =>
  (_context: RouteContext): string =>
    scope;

const invalid = (context: RouteContext, field: string, message: string, code = 'invalid_value'): Reply =>
  problems.validationFailed(context.instance, [{ field, code, message }]);

function getBrand(context: RouteContext): Reply {
  const { keys: _keys, ...brand } = context.brand;
  return { status: 200, body: brand };
}

function listContacts(context: RouteContext): Reply {
  const { query } = context;
  const sort = query.get('sort') === 'updatedAt' ? 'updatedAt' : 'createdAt';
  const direction = query.get('direction') === 'asc' ? 'asc' : 'desc';
  const cursorName = query.has('after') ? 'after' : 'before';
  const cursorText = query.get(cursorName);
  const cursor = cursorText === null ? undefined : decodeCursor(cursorText);
  // A cursor names a place in one order: another sort or direction has no such place.
  if (cursorText !== null && (cursor?.sort !== sort || cursor.direction !== direction))
    return invalid(context, cursorName, 'Unknown cursor');
  const updatedAtFromText = query.get('updatedAtFrom');
  const updatedAtFrom = updatedAtFromText === null ? undefined : parseTimestamp(updatedAtFromText);
  if (updatedAtFromText !== null && updatedAtFrom === undefined) {
    return invalid(context, 'updatedAtFrom', 'Must be an RFC3339 timestamp', 'invalid_format');
  }
  const limit = Number(query.get('limit') ?? 100);
  const listQuery: ListQuery = {
    sort,
    direction,
    limit,
    ...(cursor === undefined ? {} : { [cursorName]: cursor }),
  };
  for (const name of ['email', 'phone', 'tag', 'segmentID'] as const) {
    const value = query.get(name);
    if (value !== null) listQuery[name] = value;
  }
  const status = query.get('status');
  if (status !== null) listQuery.status = status as SubscriptionStatus;
  if (updatedAtFrom !== undefined) listQuery.updatedAtFrom = updatedAtFrom;
  const page = context.services.contacts(context.brand.brandID).list(listQuery);
  return {
    status: 200,
    body: {
      contacts: page.contacts,
      paging: { cursors: { after: page.after, before: page.before }, hasMore: page.hasMore, limit },
    },
  };
}

function upsertContact(context: RouteContext): Reply {
  const request = context.json as ContactRequest;
  const errors = contactValueErrors(request, { requireEmail: true });
  if (errors.length > 0) return problems.validationFailed(context.instance, errors);
  const contacts = context.services.contacts(context.brand.brandID);
  const outcome = contacts.upsert(request, context.now);
  if (outcome.welcome) recordWelcome(context, outcome.email, outcome.welcome, 'POST /contacts');
  return { status: outcome.created ? 201 : 200, body: contacts.getById(outcome.id) };
}

function updateContact(
  context: RouteContext,
  target: { email: string } | { id: string },
  via: string,
): Reply {
  const request = context.json as ContactRequest;
  const errors = contactValueErrors(request, { requireEmail: false });
  if (errors.length > 0) return problems.validationFailed(context.instance, errors);
  const result = context.services.contacts(context.brand.brandID).update(target, request, context.now);
  if (result === 'not-found') return problems.notFound(context.instance, 'Contact');
  if (result === 'conflict') return problems.conflict(context.instance, 'Contact identifier already exists.');
  if (result.welcome) recordWelcome(context, result.contact.email, 'resubscribed', via);
  return { status: 200, body: result.contact };
}

function getContact(context: RouteContext): Reply {
  const contact = context.services.contacts(context.brand.brandID).getById(context.pathParams.id ?? '');
  return contact ? { status: 200, body: contact } : problems.notFound(context.instance, 'Contact');
}

/** 202 now; the tags change `tagApplyDelayMs` later. Unknown emails and phones are skipped. */
function changeTags(mode: 'add' | 'remove') {
  return (context: RouteContext): Reply => {
    const { tags, ...selectors } = context.json as TagSelectors & { tags: string[] };
    const contacts = context.services.contacts(context.brand.brandID);
    context.services.tagTasks.run(context.services.tagApplyDelayMs, () =>
      contacts.applyTags(mode, selectors, tags, Date.now()),
    );
    return { status: 202 };
  };
}

interface CreateBatchRequest {
  endpoint: string;
  method: string;
  items: unknown[];
  origin?: string;
}

function createBatch(context: RouteContext): Reply {
  const request = context.json as CreateBatchRequest;
  if (request.endpoint === 'contacts' && request.method !== 'POST') {
    return invalid(context, 'method', 'Contact batches take method POST');
  }
  const batch = context.services.batches.create(
    {
      brandId: context.brand.brandID,
      endpoint: request.endpoint,
      method: request.method,
      origin: request.origin ?? 'api',
      items: request.items,
    },
    context.now,
  );
  if (batch.endpoint === 'contacts') recordItemViolations(context.services, batch, context.now);
  return { status: 201, body: { batchID: batch.batchID, totalCount: batch.totalCount } };
}

/**
 * An item that breaks the ContactRequest schema is a contract violation (the client built it), seen
 * when the batch arrives; when processed, it is also a rejected item. A bad value (an address that
 * is not one) is data: only a rejected item.
 */
function recordItemViolations(services: SandboxServices, batch: StoredBatch, now: number): void {
  for (const [index, item] of (batch.items ?? []).entries()) {
    const errors = services.contract.checkContactItem(item);
    if (errors.length === 0) continue;
    services.log.violations.push({
      time: now,
      method: 'POST',
      path: '/api/batches',
      operation: 'POST /batches',
      source: 'batch-item',
      batchID: batch.batchID,
      itemIndex: index,
      errors,
    });
  }
}

/** Applies a batch's items as if each were sent alone; called by the batch store when it finishes. */
export function processBatch(services: SandboxServices, batch: StoredBatch): void {
  const contacts = services.contacts(batch.brandId);
  const now = Date.now();
  batch.outcomes = (batch.items ?? []).map((item) => {
    if (batch.endpoint !== 'contacts') return { responseCode: 200 };
    const schemaErrors = services.contract.checkContactItem(item);
    const errors: FieldError[] =
      schemaErrors.length > 0
        ? schemaErrors
        : contactValueErrors(item as ContactRequest, { requireEmail: true });
    if (errors.length > 0) {
      return { responseCode: 400, problem: validationFailedBody(newInstance(), errors), request: item };
    }
    const outcome = contacts.upsert(item as ContactRequest, now);
    if (outcome.welcome) {
      services.log.welcomes.push({
        time: now,
        brandId: batch.brandId,
        email: outcome.email,
        reason: outcome.welcome,
        via: 'POST /batches',
      });
    }
    return { responseCode: outcome.created ? 201 : 200, contactId: outcome.id };
  });
  batch.finishedCount = batch.outcomes.length;
  batch.errorsCount = batch.outcomes.filter((outcome) => outcome.responseCode >= 400).length;
}

function findBatch(context: RouteContext): StoredBatch | undefined {
  return context.services.batches.get(context.brand.brandID, context.pathParams.batchID ?? '');
}

const batchReadScope = (context: RouteContext): string =>
  `${findBatch(context)?.endpoint ?? 'contacts'}.read`;

function getBatch(withItems: boolean) {
  return (context: RouteContext): Reply => {
    const batch = findBatch(context);
    if (!batch) return problems.notFound(context.instance, 'Batch');
    const contacts = context.services.contacts(batch.brandId);
    return {
      status: 200,
      body: withItems ? batchWithItems(batch, (id) => contacts.getById(id) ?? {}) : batchSummary(batch),
    };
  };
}

function dayBound(text: string | null, endOfDay: boolean): number | undefined | 'invalid' {
  if (text === null) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return 'invalid';
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return endOfDay ? start + 86_399_999 : start;
}

function listBatches(context: RouteContext): Reply {
  const { query } = context;
  const offset = Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 100);
  if (offset < 0) return invalid(context, 'offset', 'Must be at least 0', 'out_of_range');
  if (limit < 1 || limit > 250) return invalid(context, 'limit', 'Must be between 1 and 250', 'out_of_range');
  const from = dayBound(query.get('dateFrom'), false);
  const to = dayBound(query.get('dateTo'), true);
  if (from === 'invalid') return invalid(context, 'dateFrom', 'Must be yyyy-mm-dd', 'invalid_format');
  if (to === 'invalid') return invalid(context, 'dateTo', 'Must be yyyy-mm-dd', 'invalid_format');
  const endpoint = query.get('endpoint') ?? 'contacts';
  const status = query.get('status');
  const all = context.services.batches.list(context.brand.brandID, {
    endpoint,
    ...(status === null ? {} : { status: status as BatchStatus }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
  const pageUrl = (at: number) => {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `${API_BASE}/batches?${params}`;
  };
  const contacts = context.services.contacts(context.brand.brandID);
  const entry = context.services.listedBatchItems
    ? (batch: StoredBatch) => batchWithItems(batch, (id) => contacts.getById(id) ?? {})
    : batchSummary;
  return {
    status: 200,
    body: {
      batches: all.slice(offset, offset + limit).map(entry),
      paging: {
        limit,
        offset,
        ...(offset + limit < all.length ? { next: pageUrl(offset + limit) } : {}),
        ...(offset > 0 ? { previous: pageUrl(Math.max(0, offset - limit)) } : {}),
      },
    },
  };
}

function recordWelcome(
  context: RouteContext,
  email: string,
  reason: 'created' | 'resubscribed',
  via: string,
) {
  context.services.log.welcomes.push({
    time: context.now,
    brandId: context.brand.brandID,
    email,
    reason,
    via,
  });
}

export const routes: Record<string, Route> = {
  'GET /brands/current': { scope: fixed('brands.read'), handle: getBrand },
  // Connecting a store is for OAuth apps only; API keys never hold brands.write unless a test says so.
  'POST /brands/current': { scope: fixed('brands.write'), handle: () => ({ status: 200 }) },
  'GET /contacts': { scope: fixed('contacts.read'), handle: listContacts },
  'POST /contacts': { scope: fixed('contacts.write'), handle: upsertContact },
  'PATCH /contacts': {
    scope: fixed('contacts.write'),
    handle: (context) =>
      updateContact(context, { email: context.query.get('email') ?? '' }, 'PATCH /contacts'),
  },
  'GET /contacts/{id}': { scope: fixed('contacts.read'), handle: getContact },
  'PATCH /contacts/{id}': {
    scope: fixed('contacts.write'),
    handle: (context) => updateContact(context, { id: context.pathParams.id ?? '' }, 'PATCH /contacts/{id}'),
  },
  'POST /contacts/tags': { scope: fixed('contacts.write'), handle: changeTags('add') },
  'DELETE /contacts/tags': { scope: fixed('contacts.write'), handle: changeTags('remove') },
  'POST /batches': {
    scope: (context) => `${(context.json as CreateBatchRequest).endpoint}.write`,
    handle: createBatch,
  },
  'GET /batches': {
    scope: (context) => `${context.query.get('endpoint') ?? 'contacts'}.read`,
    handle: listBatches,
  },
  'GET /batches/{batchID}': { scope: batchReadScope, handle: getBatch(false) },
  'GET /batches/{batchID}/items': { scope: batchReadScope, handle: getBatch(true) },
};
