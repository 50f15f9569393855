import { MessageError } from './message-error.ts';
import { type MessageType, protocol, type RequestOf, type ResponseOf, replySchema } from './protocol.ts';

/** The one way any context talks to the worker; the transport is injected so this stays testable. */
export type Transport = (message: unknown) => Promise<unknown>;

export async function send<T extends MessageType>(
  transport: Transport,
  type: T,
  payload: RequestOf<T>,
): Promise<ResponseOf<T>> {
  const raw = await transport({ type, payload });
  const reply = replySchema.safeParse(raw);
  if (!reply.success) {
    throw new MessageError({ code: 'bad-reply', retryable: true });
  }
  if (!reply.data.ok) throw new MessageError(reply.data.error);
  const parsed = protocol[type].response.safeParse(reply.data.data);
  if (!parsed.success) {
    throw new MessageError({ code: 'bad-reply', retryable: false });
  }
  return parsed.data as ResponseOf<T>;
}
