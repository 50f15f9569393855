/**
 * The two plans of a run and their floors at a brand's limits (DESIGN.md §6, issue #16). The
 * tag-bound plan sends every segment tag through /contacts/tags (250 emails a call, the small tag
 * budget); the planner's puts the tags of contacts the brand snapshot proves new inside their batch
 * items. Both send the same batches from the default budget: a submission each, and one listing of
 * the brand's batches (GET /batches) per `BATCHES_PER_LISTING` of them, which settles them all.
 */

/** Due batches the engine settles with one GET /batches listing (run-driver.ts). */
export const BATCHES_PER_LISTING = 25;

/** Default-budget requests that send and settle `batches` batches when listings settle them. */
export function batchRequests(batches: number): number {
  return batches + Math.ceil(batches / BATCHES_PER_LISTING);
}

export interface PlanWork {
  /** Contacts sent in batches. */
  sent: number;
  /** Tag additions inside batch items (contacts proven new). */
  tagsInItems: number;
  /** Tag additions through the tag lane. */
  tagLaneAdds: number;
  /** Tag removals (Mirror). */
  untagged: number;
}

export interface PlanFloors {
  batches: number;
  /** Tag calls of the planner's plan, and of the tag-bound plan. */
  tagCalls: number;
  tagBoundTagCalls: number;
  /** The least time each plan can take at the brand's limits, in ms. */
  plannedMs: number;
  tagBoundMs: number;
}

const BATCH_ITEMS = 100;
const TAG_EMAILS = 250;

export function planFloors(work: PlanWork, ratePerMinute: { default: number; tags: number }): PlanFloors {
  const batches = Math.ceil(work.sent / BATCH_ITEMS);
  const tagCalls = Math.ceil(work.tagLaneAdds / TAG_EMAILS) + Math.ceil(work.untagged / TAG_EMAILS);
  const tagBoundTagCalls =
    Math.ceil((work.tagLaneAdds + work.tagsInItems) / TAG_EMAILS) + Math.ceil(work.untagged / TAG_EMAILS);
  const batchMinutes = batchRequests(batches) / ratePerMinute.default;
  const floor = (calls: number) => Math.max(batchMinutes, calls / ratePerMinute.tags) * 60_000;
  return {
    batches,
    tagCalls,
    tagBoundTagCalls,
    plannedMs: floor(tagCalls),
    tagBoundMs: floor(tagBoundTagCalls),
  };
}
