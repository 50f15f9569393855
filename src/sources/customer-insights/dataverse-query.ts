import { odataString } from './odata.ts';

/**
 * The queries of the Dataverse route (customer-insights.md §2b), as pure functions.
 *
 * Members: Microsoft's sample is `msdynci_segmentmemberships?$filter=contains(msdynci_segments,
 * '"{SegmentName}"')` (learn.microsoft.com `customer-insights/data/dv-odata`). `contains` is a SQL
 * LIKE, so `_`, `%` and `[` in an output name would be wildcards: they are escaped as `[_]`, `[%]`
 * and `[[]` (Power Apps `webapi/query/filter-rows`). `msdynci_segments` is documented only as a
 * "JSON string" listing the profile's segments, so every row is checked again (`listsSegment`).
 */

export const MEMBERSHIPS = 'msdynci_segmentmemberships';
export const PROFILES = 'msdynci_customerprofiles';
/** The unified profile's key, in both tables. */
export const CUSTOMER_ID = 'msdynci_customerid';
export const SEGMENTS_COLUMN = 'msdynci_segments';
/** Profile columns are `msdynci_` + the unified attribute's lower-case name. */
export const PROFILE_COLUMN_PREFIX = 'msdynci_';
/** The row id Dataverse gives every table (`<logical name>id`), not an attribute of the profile. */
export const PROFILE_ROW_ID = 'msdynci_customerprofileid';

/** Conditions of one `Microsoft.Dynamics.CRM.In` (customer-insights.md §2b). */
export const MAX_IN_VALUES = 500;
/** Longest GET URL Dataverse takes (customer-insights.md §2b). */
export const MAX_URL_LENGTH = 32_768;

export function escapeLike(text: string): string {
  return text.replace(/\[/g, '[[]').replace(/_/g, '[_]').replace(/%/g, '[%]');
}

export function membershipFilter(outputName: string): string {
  return `contains(${SEGMENTS_COLUMN},${odataString(`"${escapeLike(outputName)}"`)})`;
}

export function profilesByIdFilter(ids: readonly string[]): string {
  return `Microsoft.Dynamics.CRM.In(PropertyName='${CUSTOMER_ID}',PropertyValues=[${ids.map(odataString).join(',')}])`;
}

/**
 * Whether a row's `msdynci_segments` lists the segment. *Guess:* the JSON is a list of names, but its
 * wrapping is not documented, so any string inside it (array items, object values, nested) counts;
 * text that is not JSON counts when it holds the quoted name, as the documented filter assumes.
 * Table names are case-insensitive in Customer Insights, and so is this.
 */
export function listsSegment(value: unknown, outputName: string): boolean {
  if (typeof value !== 'string') return false;
  const wanted = outputName.toLowerCase();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value.toLowerCase().includes(`"${wanted}"`);
  }
  return stringsIn(parsed).some((text) => text.toLowerCase() === wanted);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
