import type { CpuProfile } from './worker-session.ts';

/**
 * Where a worker's CPU went: a V8 CPU profile summed as self time per function (name and place
 * in the bundle). Readable names need an unminified build (`--profile` makes one).
 */

export interface TimeShare {
  name: string;
  ms: number;
  share: number;
}

/** V8's '(idle)' samples: the thread ran no JavaScript and waited for something. */
export const IDLE = '(idle)';

export function selfTimes(profile: CpuProfile): TimeShare[] {
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').pop() ?? '';
    names.set(node.id, file ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName);
  }
  const totals = new Map<string, number>();
  let total = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const us = deltas[i] ?? 0;
    total += us;
    const name = names.get(id) ?? '(unknown)';
    totals.set(name, (totals.get(name) ?? 0) + us);
  });
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** Total self time per function including its callees (inclusive), top-down. */
export function inclusiveTimes(profile: CpuProfile): TimeShare[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const us = deltas[i] ?? 0;
    total += us;
    self.set(id, (self.get(id) ?? 0) + us);
  });
  const totals = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const file = frame.url.split('/').pop() ?? '';
      const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + us);
    }
  }
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
