import type { MessageSpec } from '../messaging/protocol.ts';

export type SenderKind = MessageSpec['from'] | 'foreign';

export interface SenderFacts {
  id?: string | undefined;
  url?: string | undefined;
}

/**
 * Who sent a message. Extension pages share the extension's origin; the content script runs on
 * the Customer Insights host with our extension id. Anything else (other extensions, web pages
 * through externally_connectable, lookalike hosts) is foreign. Compare origins, not prefixes, so
 * `https://home.ci.ai.dynamics.com.evil.example` is not mistaken for the real host.
 */
export function classifySender(
  sender: SenderFacts,
  extensionId: string,
  extensionOrigin: string,
): SenderKind {
  if (sender.id !== extensionId || !sender.url) return 'foreign';
  let origin: string;
  try {
    // `URL.origin` is "null" for non-special schemes in some engines; build it from the parts.
    const url = new URL(sender.url);
    origin = `${url.protocol}//${url.host}`;
  } catch {
    return 'foreign';
  }
  if (origin === extensionOrigin) return 'page';
  if (origin === 'https://home.ci.ai.dynamics.com') return 'content';
  return 'foreign';
}
