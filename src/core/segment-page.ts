import { foldKey } from './mapping/fold.ts';

/**
 * Which Customer Insights environment and segment a page of the web app shows, found by matching
 * rather than by route rules. Microsoft does not publish the app's routes (customer-insights.md §3),
 * so any list of path shapes or query keys is a guess that breaks with the next release. Instead:
 *  1. collect every GUID of the address (path, every query value, the fragment) and every string
 *     that could name a segment – address parts and query values, the heading, the breadcrumb
 *     and the title (`collectPageClues`, in the content script);
 *  2. match them against what the extension knows – the environments set up in Sources and
 *     their segments by output name and display name, ignoring case and accents
 *     (`matchPage`, in the worker, which knows the segments).
 * A page is a segment page of an environment when one of its GUIDs is that environment and one
 * segment of it, and only one, is named by the page.
 */

/** What the content script reads from the page, as plain data. */
export interface PageFacts {
  url: string;
  title: string;
  /** Texts of the page's main headings. */
  headings?: readonly string[];
  /** Texts of the breadcrumb's items, in order. */
  breadcrumb?: readonly string[];
}

/** What a page says about where it is: bounded, and nothing but GUIDs and short strings. */
export interface PageClues {
  /** Every GUID of the address, lower-case, in order of appearance, without repeats. */
  guids: string[];
  /** Strings of the address (path and fragment parts, query values) that could name a segment. */
  address: string[];
  /** Strings the page shows (headings, breadcrumb items, title and its parts) that could name one. */
  text: string[];
}

export interface SegmentNames {
  /** The output name, the segment's id. */
  id: string;
  displayName: string;
}

export interface EnvironmentNames<S extends SegmentNames> {
  /** Lower-case environment GUID. */
  environmentId: string;
  segments: readonly S[];
}

export type PageMatch<E, S> =
  /** None of the page's GUIDs is an environment the extension knows; the first GUID is offered. */
  | { kind: 'unknown-environment'; environmentId: string }
  /** A known environment; `segment` is null when the page names none of its segments (or several). */
  | { kind: 'environment'; environment: E; segment: S | null };

/** The only host whose pages can be segment pages. */
export const CUSTOMER_INSIGHTS_APP_HOST = 'home.ci.ai.dynamics.com';

export const MAX_GUIDS = 16;
export const MAX_CANDIDATES = 40;
/**
 * Segment names are short; an authorization code or token that a sign-in left in the address is
 * hundreds of characters, so this bound also keeps such values out of what is reported.
 */
export const MAX_CANDIDATE_LENGTH = 128;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ONLY_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Separators between the parts of `document.title`, e.g. "<segment> - Segments - Customer Insights". */
const TITLE_SEPARATORS = [' - ', ' – ', ' — ', ' | ', ' · '];
/** Items a breadcrumb may render on their own between its steps. */
const SEPARATOR_ONLY = /^[\s›>»/\\|·-]*$/u;

export function collectPageClues(page: PageFacts): PageClues | null {
  const url = parseUrl(page.url);
  if (url?.protocol !== 'https:' || url.hostname !== CUSTOMER_INSIGHTS_APP_HOST) return null;
  // Single-page apps may route in the fragment ("#/segments/…?…") as well as in the path.
  const fragment = parseUrl(`https://fragment.invalid/${url.hash.replace(/^#\/?/, '')}`);
  const parts = [...pathParts(url.pathname), ...(fragment ? pathParts(fragment.pathname) : [])];
  const values = [...queryValues(url.searchParams), ...(fragment ? queryValues(fragment.searchParams) : [])];

  const guids = unique([...parts, ...values].flatMap((text) => text.match(GUID) ?? []).map(lower));
  if (guids.length === 0) return null;
  const address = candidates(
    [...parts, ...values]
      .flatMap((text) => [text, ...text.split('/')])
      .filter((text) => !ONLY_GUID.test(text)),
  );
  const text = candidates([...(page.headings ?? []), ...(page.breadcrumb ?? []), ...titleParts(page.title)]);
  return { guids: guids.slice(0, MAX_GUIDS), address, text };
}

/**
 * Finds the environment and segment the page shows. The environment is the first GUID of the
 * address that is a known environment. A segment is named by the address or by the page text when
 * a candidate equals its output name or display name (`foldKey`). When address and text both name
 * segments, they must agree – a page caught mid-navigation shows the old heading under the new
 * address, and then nothing is claimed until it settles. Several segments left: those named by
 * their output name win; if that does not single one out, nothing is claimed.
 */
export function matchPage<S extends SegmentNames, E extends EnvironmentNames<S>>(
  clues: PageClues,
  environments: readonly E[],
): PageMatch<E, S> | null {
  const environment = clues.guids
    .map((guid) => environments.find((e) => e.environmentId === guid))
    .find((found) => found !== undefined);
  if (!environment) {
    const first = clues.guids[0];
    return first === undefined ? null : { kind: 'unknown-environment', environmentId: first };
  }
  return { kind: 'environment', environment, segment: matchSegment(clues, environment.segments) };
}

export function matchSegment<S extends SegmentNames>(clues: PageClues, segments: readonly S[]): S | null {
  const keysOf = (texts: readonly string[]) => new Set(texts.map(foldKey).filter((key) => key !== ''));
  const addressKeys = keysOf(clues.address);
  const textKeys = keysOf(clues.text);
  const named = (keys: Set<string>) =>
    segments.filter((s) => keys.has(foldKey(s.id)) || keys.has(foldKey(s.displayName)));
  const byAddress = named(addressKeys);
  const byText = named(textKeys);
  let found =
    byAddress.length && byText.length
      ? byAddress.filter((s) => byText.includes(s))
      : [...byAddress, ...byText];
  if (found.length === 0) return null;
  if (found.length > 1) {
    const all = new Set([...addressKeys, ...textKeys]);
    found = found.filter((s) => all.has(foldKey(s.id)));
  }
  return found.length === 1 ? (found[0] as S) : null;
}

/**
 * Address candidates that could be the output name of a segment the extension does not know yet
 * (Dataverse publishes no list of segments, so a page is one way to learn of one). *Guess:* output
 * names are table names of letters, digits and underscores; anything else is not worth a query.
 */
export function unknownOutputNames(clues: PageClues, known: readonly SegmentNames[]): string[] {
  const keys = new Set(known.flatMap((s) => [foldKey(s.id), foldKey(s.displayName)]));
  return clues.address.filter((text) => OUTPUT_NAME.test(text) && !keys.has(foldKey(text)));
}

const OUTPUT_NAME = /^(?=.*[A-Za-z])[A-Za-z0-9_]{1,128}$/;

/**
 * The display name a page shows for an output name: a heading, breadcrumb item or title part that
 * spells the output name with spaces or punctuation ("Male under 40" for `Male_under_40`). *Guess:*
 * what else a page shows may be an area label ("Segments"), so anything less alike is not taken,
 * and the output name stands in.
 */
export function displayNameFor(outputName: string, clues: PageClues): string {
  const key = foldKey(outputName);
  return clues.text.find((text) => foldKey(text) === key && text !== outputName) ?? outputName;
}

function parseUrl(text: string): URL | null {
  return URL.canParse(text) ? new URL(text) : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function pathParts(pathname: string): string[] {
  return pathname.split('/').filter(Boolean).map(decode);
}

function queryValues(query: URLSearchParams): string[] {
  return [...query.values()];
}

/** The title, each part between separators, and every run of neighbouring parts ("VIP - Gold"). */
function titleParts(title: string): string[] {
  const found = [title];
  for (const separator of TITLE_SEPARATORS) {
    const parts = title.split(separator);
    if (parts.length < 2) continue;
    for (let from = 0; from < parts.length; from++) {
      for (let to = from + 1; to <= parts.length; to++) found.push(parts.slice(from, to).join(separator));
    }
  }
  return found;
}

function candidates(texts: readonly string[]): string[] {
  const cleaned = texts
    .map((text) => text.normalize('NFC').replace(/\s+/g, ' ').trim())
    .filter((text) => text !== '' && text.length <= MAX_CANDIDATE_LENGTH && !SEPARATOR_ONLY.test(text));
  return unique(cleaned).slice(0, MAX_CANDIDATES);
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}

function lower(text: string): string {
  return text.toLowerCase();
}
