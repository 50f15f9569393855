import type { PageFacts } from '../core/segment-page.ts';

/**
 * Where the page shows its name. No selector here decides anything: every heading and breadcrumb
 * item is only a candidate that the worker matches against the segments it knows. Besides a
 * `nav` labelled as a breadcrumb, Fluent UI (which Microsoft's apps use) renders `.ms-Breadcrumb`.
 */
const HEADINGS = 'h1, [role="heading"][aria-level="1"]';
const BREADCRUMB_ITEMS = '[aria-label*="breadcrumb" i] li, .ms-Breadcrumb li';
const MAX_HEADINGS = 3;

/**
 * What `collectPageClues` needs from the document. It stays inside the content script: only the
 * clues derived from it are reported.
 */
export function readPageFacts(doc: Document, href: string): PageFacts {
  const texts = (selector: string) =>
    [...doc.querySelectorAll(selector)].map((node) => node.textContent ?? '');
  return {
    url: href,
    title: doc.title,
    headings: texts(HEADINGS).slice(0, MAX_HEADINGS),
    breadcrumb: texts(BREADCRUMB_ITEMS),
  };
}
