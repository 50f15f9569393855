import type { PageFacts } from '../core/segment-page.ts';

/** The breadcrumb the app renders; each item is one step ("Segments", "<segment>"). */
const BREADCRUMB_ITEMS = 'nav[aria-label="Breadcrumb"] li';

/**
 * What `detectSegmentPage` needs from the document. It stays inside the content script: only the
 * environment and the segment hint derived from it are reported.
 */
export function readPageFacts(doc: Document, href: string): PageFacts {
  const heading = doc.querySelector('h1')?.textContent ?? undefined;
  const breadcrumb = [...doc.querySelectorAll(BREADCRUMB_ITEMS)].map((item) => item.textContent ?? '');
  return {
    url: href,
    title: doc.title,
    ...(heading === undefined ? {} : { heading }),
    breadcrumb,
  };
}
