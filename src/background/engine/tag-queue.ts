import type { TagOp } from '../../core/run/tag-plan.ts';
import type { RunRecord } from '../../storage/run-records.ts';

/** Keeps the run record's count of queued emails per op and tag (runTags holds the emails). */
export function adjustTagCount(run: RunRecord, op: TagOp, tag: string, delta: number): void {
  const group = run.tagQueue.find((g) => g.op === op && g.tag === tag);
  if (group) group.count += delta;
  else run.tagQueue.push({ op, tag, count: delta });
  run.tagQueue = run.tagQueue.filter((g) => g.count > 0);
}
