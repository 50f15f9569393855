import {
  BREADCRUMB_SEPARATORS,
  CUSTOMER_INSIGHTS_APP_HOST,
  ENVIRONMENT_QUERY_KEYS,
  NOT_SEGMENT_NAMES,
  SEGMENT_AREA_LABELS,
  SEGMENT_URL_RULES,
  TITLE_SEPARATORS,
} from './segment-page-rules.ts';

/** What the content script reads from the page, as plain data. */
export interface PageFacts {
  url: string;
  title: string;
  /** Text of the page's main heading (the first `h1`), if any. */
  heading?: string;
  /** Texts of the breadcrumb's items, in order. */
  breadcrumb?: string[];
}

export interface SegmentHint {
  /** The segment as the URL names it (its output name, as far as we know). */
  routeName?: string;
  /** The segment as the page shows it. */
  displayName?: string;
}

export interface SegmentPageContext {
  /** Lower-case environment GUID. */
  environmentId: string;
  segmentHint: SegmentHint;
}

export interface SegmentRef {
  name: string;
  displayName: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decides whether a page is a Customer Insights segment page: the app host, an environment GUID in
 * the path or an environment query parameter, and a segment named by the URL (segment-page-rules.ts)
 * or shown by the breadcrumb ("Segments › <name>") or the title ("<name> - Segments - …").
 * The heading only supplies the display name when the URL already names a segment, because every
 * page has a heading.
 */
export function detectSegmentPage(page: PageFacts): SegmentPageContext | null {
  const url = parseUrl(page.url);
  if (url?.protocol !== 'https:' || url.hostname !== CUSTOMER_INSIGHTS_APP_HOST) return null;
  const path = url.pathname.split('/').filter(Boolean).map(decodePart);
  const environmentId = environmentOf(path, url.searchParams);
  if (!environmentId) return null;

  const routeName = routeNameOf(path, url.searchParams);
  const shownName = breadcrumbName(page.breadcrumb ?? []) ?? titleName(page.title);
  const heading = clean(page.heading);
  const displayName = shownName ?? (routeName && heading && !isAreaLabel(heading) ? heading : undefined);
  if (!routeName && !displayName) return null;

  const segmentHint: SegmentHint = {};
  if (routeName) segmentHint.routeName = routeName;
  if (displayName) segmentHint.displayName = displayName;
  return { environmentId, segmentHint };
}

/**
 * Finds the listed segment the page shows: by route name (against output name, then display name),
 * else by display name (against display name, then output name), ignoring case, Unicode form and
 * repeated spaces. Returns null when nothing matches, when a display name matches several segments,
 * or when route and display name point at different segments (a page caught mid-navigation).
 */
export function matchSegment<T extends SegmentRef>(
  context: SegmentPageContext,
  segments: readonly T[],
): T | null {
  const { routeName, displayName } = context.segmentHint;
  const byRoute = routeName === undefined ? null : unique(segments, routeName);
  const byDisplay = displayName === undefined ? null : unique(segments, displayName);
  if (byRoute && byDisplay && byRoute !== byDisplay) return null;
  return byRoute ?? byDisplay;
}

function unique<T extends SegmentRef>(segments: readonly T[], wanted: string): T | null {
  const key = normalize(wanted);
  const byName = segments.filter((segment) => normalize(segment.name) === key);
  if (byName.length === 1) return byName[0] as T;
  const byDisplay = segments.filter((segment) => normalize(segment.displayName) === key);
  return byDisplay.length === 1 ? (byDisplay[0] as T) : null;
}

function normalize(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function environmentOf(path: string[], query: URLSearchParams): string | null {
  const inPath = path.find((part) => GUID.test(part));
  if (inPath) return inPath.toLowerCase();
  for (const [key, value] of query) {
    if (
      GUID.test(value) &&
      ENVIRONMENT_QUERY_KEYS.some((wanted) => wanted.toLowerCase() === key.toLowerCase())
    ) {
      return value.toLowerCase();
    }
  }
  return null;
}

function routeNameOf(path: string[], query: URLSearchParams): string | undefined {
  for (const rule of SEGMENT_URL_RULES) {
    const area = path.findIndex((part) => part.toLowerCase() === rule.area);
    if (area < 0) continue;
    const name = clean(rule.from === 'path' ? path[area + 1] : queryValue(query, rule.key));
    if (name && !NOT_SEGMENT_NAMES.includes(name.toLowerCase())) return name;
  }
  return undefined;
}

function queryValue(query: URLSearchParams, key: string): string | undefined {
  for (const [candidate, value] of query) if (candidate.toLowerCase() === key.toLowerCase()) return value;
  return undefined;
}

/** "Segments › <name>": the last item after the segments area, if there is one. */
function breadcrumbName(items: string[]): string | undefined {
  const texts = items.map((item) => clean(item)).filter((item): item is string => !!item);
  const area = texts.findIndex(isAreaLabel);
  if (area < 0 || area === texts.length - 1) return undefined;
  const last = texts[texts.length - 1] as string;
  return isAreaLabel(last) ? undefined : last;
}

/** "<name> - Segments - Customer Insights": everything before the segments area. */
function titleName(title: string): string | undefined {
  for (const separator of TITLE_SEPARATORS) {
    const parts = title.split(separator);
    const area = parts.findLastIndex((part) => isAreaLabel(part));
    if (area >= 1) return clean(parts.slice(0, area).join(separator));
  }
  return undefined;
}

function isAreaLabel(text: string): boolean {
  const key = normalize(text);
  return SEGMENT_AREA_LABELS.some((label) => label.toLowerCase() === key);
}

/** Trimmed text without separator-only content, or undefined. */
function clean(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  return trimmed === '' || BREADCRUMB_SEPARATORS.test(trimmed) ? undefined : trimmed;
}
