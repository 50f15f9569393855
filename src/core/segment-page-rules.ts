// Where Customer Insights puts the environment and the segment in its web app. The real routes are
// unpublished (customer-insights.md §3), so these tables hold every shape we accept; when Microsoft
// changes the app, add a row here and a fixture to test/unit/core/segment-page.test.ts.

/** The only host whose pages can be segment pages. */
export const CUSTOMER_INSIGHTS_APP_HOST = 'home.ci.ai.dynamics.com';

/**
 * A segment named by the URL. `area` is a path part (matched case-insensitively, anywhere in the
 * path); the name is then either the path part right after it (`from: 'path'`) or the value of a
 * query parameter (`from: 'query'`). Rules are tried in order; the first that yields a name wins.
 */
export type SegmentUrlRule = { area: string; from: 'path' } | { area: string; from: 'query'; key: string };

export const SEGMENT_URL_RULES: readonly SegmentUrlRule[] = [
  { area: 'segments', from: 'path' },
  { area: 'segment', from: 'path' },
  { area: 'segments', from: 'query', key: 'segmentName' },
  { area: 'segments', from: 'query', key: 'segmentId' },
  { area: 'segments', from: 'query', key: 'id' },
  { area: 'segment', from: 'query', key: 'segmentName' },
  { area: 'segment', from: 'query', key: 'id' },
];

/** Path parts after a segments area that are app actions, not segment names. */
export const NOT_SEGMENT_NAMES: readonly string[] = ['new', 'create', 'list', 'all', 'details', 'detail'];

/**
 * Query parameters that may carry the environment GUID when the path does not. Only these, because
 * other GUIDs in the query (a segment id, a correlation id) are not environments.
 */
export const ENVIRONMENT_QUERY_KEYS: readonly string[] = [
  'envId',
  'ci.envId',
  'environmentId',
  'environment',
  'instanceId',
  'instance',
];

/** What the app calls the segments area in its breadcrumb and title, in the languages it ships. */
export const SEGMENT_AREA_LABELS: readonly string[] = [
  'Segments',
  'Segmentler',
  'Segmente',
  'Segmentos',
  'Segmenti',
  'Segmenten',
  'Segmenty',
  'Segmentit',
  'Segmenter',
];

/** Separators between the parts of `document.title`, e.g. "<segment> - Segments - Customer Insights". */
export const TITLE_SEPARATORS: readonly string[] = [' - ', ' – ', ' — ', ' | '];

/** Characters a breadcrumb may render as items of their own. */
export const BREADCRUMB_SEPARATORS = /^[\s›>»/\\|]*$/u;
