export type SenderKind = 'page' | 'content' | 'foreign';

export interface SenderFacts {
  id?: string | undefined;
  url?: string | undefined;
  /** 0 for the top frame of a tab (`runtime.MessageSender.frameId`). */
  frameId?: number | undefined;
  tab?: { id?: number | undefined } | undefined;
}

/**
 * Who sent a message. Extension pages share the extension's origin; the content script runs on
 * the Customer Insights host with our extension id, and counts only from the top frame of a tab
 * (the manifest injects it nowhere else; a frame of another site inside that page is not the page
 * the user looks at). Anything else (other extensions, web pages through externally_connectable,
 * lookalike hosts) is foreign. Compare origins, not prefixes, so
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
  const topFrameOfTab = sender.frameId === 0 && sender.tab?.id !== undefined;
  if (origin === 'https://home.ci.ai.dynamics.com' && topFrameOfTab) return 'content';
  return 'foreign';
}
