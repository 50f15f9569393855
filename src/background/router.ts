import {
  type ErrorData,
  envelopeSchema,
  type MessageType,
  protocol,
  type Reply,
  type RequestOf,
  type ResponseOf,
} from '../messaging/protocol.ts';
import type { SenderKind } from './sender.ts';

export interface HandlerContext {
  /** The tab the message came from, when it came from one. */
  tabId: number | undefined;
}

export type Handlers = {
  [T in MessageType]: (payload: RequestOf<T>, context: HandlerContext) => Promise<ResponseOf<T>>;
};

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
 * send this type, validate the payload, run the handler and turn any failure into data. It never
 * throws, so a bad message cannot disturb the worker.
 */
export async function route(raw: unknown, sender: SenderKind, handlers: Handlers, context: HandlerContext) {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return refuse('unknown-message', 'This message is not part of the protocol.');
  const type = envelope.data.type;
  const spec = protocol[type];
  if (sender !== spec.from) return refuse('forbidden', `The sender may not send ${type}.`);
  const payload = spec.request.safeParse(envelope.data.payload);
  if (!payload.success) return refuse('invalid-request', `The ${type} request is malformed.`);
  try {
    const handler = handlers[type] as (p: unknown, c: HandlerContext) => Promise<unknown>;
    const data = await handler(payload.data, context);
    return { ok: true, data } satisfies Reply;
  } catch (error) {
    if (error instanceof HandledError) return { ok: false, error: error.data } satisfies Reply;
    // Unexpected failures keep their detail out of the reply: it could carry request data.
    console.error(`Handler for ${type} failed`, error instanceof Error ? error.name : typeof error);
    return {
      ok: false,
      error: { code: 'internal', message: 'Something went wrong in the extension.', retryable: true },
    } satisfies Reply;
  }
}
