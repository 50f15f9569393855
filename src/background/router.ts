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
import type { SenderKind } from './sender.ts';

export interface HandlerContext {
  /** The tab the message came from, when it came from one. */
  tabId: number | undefined;
}

export type Handlers = {
  [T in MessageType]: (payload: ParsedRequestOf<T>, context: HandlerContext) => Promise<ResponseOf<T>>;
};

export interface Gate {
  /** The role the extension runs as right now. */
  role(): Promise<Role>;
  /** Called after each administrator message is let through, to keep an unlocked session alive. */
  administratorActive(): Promise<void>;
}

/** An error a handler throws on purpose, with a code and message meant for the user. */
export class HandledError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
    this.name = 'HandledError';
  }
}

function refuse(code: string, message: string): Reply {
  return { ok: false, error: { code, message, retryable: false } };
}

/**
 * The worker's single entry for messages: validate the envelope, check the sender's right to
 * send this type (and the administrator role where the type needs it), validate the payload, run
 * the handler and turn any failure into data. It never throws, so a bad message cannot disturb
 * the worker.
 */
export async function route(
  raw: unknown,
  sender: SenderKind,
  handlers: Handlers,
  gate: Gate,
  context: HandlerContext,
): Promise<Reply> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return refuse('unknown-message', 'This message is not part of the protocol.');
  const type = envelope.data.type;
  const spec: MessageSpec = protocol[type];
  if (sender !== spec.from) return refuse('forbidden', `The sender may not send ${type}.`);
  const payload = spec.request.safeParse(envelope.data.payload);
  if (!payload.success) return refuse('invalid-request', `The ${type} request is malformed.`);
  try {
    if (spec.administrator) {
      if ((await gate.role()) !== 'administrator') {
        return refuse(
          'administrator-only',
          'Only an administrator can do this. Unlock administrator in Settings.',
        );
      }
      await gate.administratorActive();
    }
    const handler = handlers[type] as (p: unknown, c: HandlerContext) => Promise<unknown>;
    const data = await handler(payload.data, context);
    return { ok: true, data };
  } catch (error) {
    if (error instanceof HandledError) return { ok: false, error: error.data };
    // Unexpected failures keep their detail out of the reply and the log: it could carry request data.
    console.error(`Handler for ${type} failed:`, error instanceof Error ? error.name : typeof error);
    return {
      ok: false,
      error: { code: 'internal', message: 'Something went wrong in the extension.', retryable: true },
    };
  }
}
