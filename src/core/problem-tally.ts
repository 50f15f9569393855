import { z } from 'zod';

/**
 * What a check or a run found wrong, grouped the way people fix it: by kind, source field and
 * reason, each group with its count and the first few examples.
 * - `row`: the contact is not sent (its email is unusable, it repeats an email, Omnisend refused it).
 * - `field`: the contact is sent without this value (an unknown country, a phone's extension).
 * - `warning`: sent as written, but worth a look (an address at a look-alike of gmail.com).
 */
export const problemKindSchema = z.enum(['row', 'field', 'warning']);
export type ProblemKind = z.infer<typeof problemKindSchema>;

export const MAX_PROBLEM_EXAMPLES = 3;
/** Groups kept; a source with more kinds of problems than this is counted in the totals only. */
export const MAX_PROBLEM_GROUPS = 300;

export const problemExampleSchema = z.object({
  /** The row's position in its source: the file line, or the profile's place in the segment. */
  position: z.number(),
  email: z.string().nullable(),
  /** The value as read, shortened (absent for blanks); for a contact Omnisend refused, its words. */
  value: z.string().optional(),
});
export type ProblemExample = z.infer<typeof problemExampleSchema>;

export const problemGroupSchema = z.object({
  kind: problemKindSchema,
  /** The source field the reason is about; empty for a record the file parser could not read. */
  field: z.string(),
  reason: z.string(),
  count: z.number().int().nonnegative(),
  examples: z.array(problemExampleSchema).max(MAX_PROBLEM_EXAMPLES),
});
export type ProblemGroup = z.infer<typeof problemGroupSchema>;

export class ProblemTally {
  private readonly byKey = new Map<string, ProblemGroup>();

  static from(groups: readonly ProblemGroup[]): ProblemTally {
    const tally = new ProblemTally();
    for (const group of groups) {
      tally.byKey.set(keyOf(group), { ...group, examples: [...group.examples] });
    }
    return tally;
  }

  add(
    problem: { kind: ProblemKind; field: string; reason: string },
    example?: ProblemExample,
    count = 1,
  ): void {
    const key = keyOf(problem);
    let group = this.byKey.get(key);
    if (group === undefined) {
      if (this.byKey.size >= MAX_PROBLEM_GROUPS) return;
      group = { kind: problem.kind, field: problem.field, reason: problem.reason, count: 0, examples: [] };
      this.byKey.set(key, group);
    }
    group.count += count;
    if (example !== undefined && group.examples.length < MAX_PROBLEM_EXAMPLES) group.examples.push(example);
  }

  /** The groups of one kind, or all, most frequent first. */
  groups(kind?: ProblemKind): ProblemGroup[] {
    return [...this.byKey.values()]
      .filter((group) => kind === undefined || group.kind === kind)
      .sort((a, b) => b.count - a.count);
  }
}

function keyOf(problem: { kind: string; field: string; reason: string }): string {
  return `${problem.kind}\u0000${problem.field}\u0000${problem.reason}`;
}
