/**
 * Which tag call to make next. Tag calls have their own, small budget (60/min, ≤ 250 emails per
 * call), which bounds a whole export (DESIGN.md §6): so a call is only made with fewer than 250
 * emails when no more emails for it can come.
 */
export type TagOp = 'add' | 'remove';

export interface TagGroup {
  op: TagOp;
  tag: string;
  /** Emails queued for this op and tag. */
  count: number;
}

export interface TagPlanFacts {
  maxEmails: number;
  /** More additions may still be queued (the source is being read or batches are unsettled). */
  moreAdds: boolean;
  /** More removals may still be queued (the leaver scan is not done). */
  moreRemoves: boolean;
}

/** The group to send now (up to `maxEmails` of it), or null to wait for more. */
export function nextTagCall(groups: readonly TagGroup[], facts: TagPlanFacts): TagGroup | null {
  const full = groups.find((g) => g.count >= facts.maxEmails);
  if (full) return full;
  const final = groups.find((g) => g.count > 0 && !(g.op === 'add' ? facts.moreAdds : facts.moreRemoves));
  return final ?? null;
}

/** Splits emails into calls of at most `maxEmails`. */
export function chunkEmails(emails: readonly string[], maxEmails: number): string[][] {
  if (maxEmails < 1) throw new RangeError('maxEmails must be at least 1');
  const chunks: string[][] = [];
  for (let i = 0; i < emails.length; i += maxEmails) chunks.push(emails.slice(i, i + maxEmails));
  return chunks;
}
