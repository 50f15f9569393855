import type { ErrorCode } from '../core/error-code.ts';
import {
  type ErrorData,
  envelopeSchema,
  type MessageSpec,
  type MessageType,
  type ParsedRequestOf,
  protocol,
  type Reply,
  type ResponseOf,
  type Role,
} from '../messaging/protocol.ts';
import { isStorageFull } from '../storage/storage-full.ts';
import { VaultError } from '../storage/vault.ts';
import type { Audience, ObjectRef } from './access.ts';
import { type ContributorRule, permissions } from './permissions.ts';
import type { SenderKind } from './sender.ts';

/** What the sender is, for the handler. */
export interface SenderContext {
  /** The tab the message came from, when it came from one. */
  tabId: number | undefined;
}

export interface HandlerContext extends SenderContext {
  /** The role the message was let through as; a content script counts as contributor. */
  role: Role;
}

export type Handlers = {
  [T in MessageType]: (payload: ParsedRequestOf<T>, context: HandlerContext) => Promise<ResponseOf<T>>;
};

export interface Gate {
  /** The role the extension runs as right now. */
  role(): Promise<Role>;
  /** Who may use an object a message names (access.ts). */
  audienceOf(ref: ObjectRef): Promise<Audience>;
  /** Called after each message that needed the administrator is let through, to keep an unlocked session alive. */
  administratorActive(): Promise<void>;
}

/** What `route` dispatches to once the worker is ready: the handler map and the role gate. */
export interface Routing {
  handlers: Handlers;
  gate: Gate;
}

/** An error a handler throws on purpose: a code (and what it is about) the page words for the user. */
export class HandledError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.code);
    this.name = 'HandledError';
  }
}

/** A request the user can fix refused with `code` (not worth retrying as it is). */
export function refusal(code: ErrorCode, about: Pick<ErrorData, 'params' | 'details'> = {}): HandledError {
  return new HandledError({ code, retryable: false, ...about });
}

/** A write failed because the disk or the quota is full: nothing was stored, and the user can act. */
export const storageFull: ErrorData = { code: 'storage-full', retryable: true };

/** The answer to every message while the database cannot be opened (the status request's too). */
export const storageUnavailable: ErrorData = { code: 'storage-unavailable', retryable: true };

/** A secret this request needs is sealed under the vault key, and administrator is locked. */
const vaultLocked: ErrorData = { code: 'vault-locked', retryable: false };

function refuse(code: ErrorCode): Reply {
  return { ok: false, error: { code, retryable: false } };
}

const administratorOnly = () => refuse('administrator-only');

/** Whether this request needs the administrator: by its type, or by an object it names. */
async function needsAdministrator<T extends MessageType>(
  rule: ContributorRule<T>,
  request: ParsedRequestOf<T>,
  gate: Gate,
): Promise<boolean> {
  if (rule === 'refused') return true;
  if (typeof rule === 'string') return false;
  for (const ref of rule.uses(request)) if ((await gate.audienceOf(ref)) === 'administrators') return true;
  return false;
}

/**
 * The worker's single entry for messages: validate the envelope, check the sender against the
 * permission table, validate the payload, wait for the worker to be ready (its readiness gate,
 * awaited here and nowhere else), check the role against the type and the objects the request
 * names (permissions.ts), run the handler and turn any failure into data. It never throws, so a
 * bad message cannot disturb the worker.
 */
export async function route(
  raw: unknown,
  sender: SenderKind,
  context: SenderContext,
  ready: () => Promise<Routing>,
): Promise<Reply> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return refuse('unknown-message');
  const type = envelope.data.type;
  const spec: MessageSpec = protocol[type];
  const permission = permissions[type];
  if (sender !== permission.from) return refuse('forbidden');
  const payload = spec.request.safeParse(envelope.data.payload);
  if (!payload.success) return refuse('invalid-request');
  let routing: Routing;
  try {
    routing = await ready();
  } catch (error) {
    console.error(
      'The extension could not open its database:',
      error instanceof Error ? error.name : typeof error,
    );
    return { ok: false, error: storageUnavailable };
  }
  const { handlers, gate } = routing;
  try {
    let role: Role = 'contributor';
    if (sender === 'page') {
      role = await gate.role();
      const rule = permission.contributor as ContributorRule<MessageType>;
      if (await needsAdministrator(rule, payload.data as ParsedRequestOf<MessageType>, gate)) {
        if (role !== 'administrator') return administratorOnly();
        await gate.administratorActive();
      }
    }
    const handler = handlers[type] as (p: unknown, c: HandlerContext) => Promise<unknown>;
    const data = await handler(payload.data, { ...context, role });
    return { ok: true, data };
  } catch (error) {
    if (error instanceof HandledError) return { ok: false, error: error.data };
    if (error instanceof VaultError && error.code === 'locked') return { ok: false, error: vaultLocked };
    if (isStorageFull(error)) return { ok: false, error: storageFull };
    // Unexpected failures keep their detail out of the reply and the log: it could carry request data.
    console.error(`Handler for ${type} failed:`, error instanceof Error ? error.name : typeof error);
    return {
      ok: false,
      error: { code: 'internal', retryable: true },
    };
  }
}
