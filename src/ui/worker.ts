import browser from 'webextension-polyfill';
import type { MessageType, RequestOf, ResponseOf } from '../messaging/protocol.ts';
import { send } from '../messaging/send.ts';

/** Ask the service worker something on behalf of an extension page. */
export function ask<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> {
  return send((message) => browser.runtime.sendMessage(message), type, payload);
}
