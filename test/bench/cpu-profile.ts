import type { CpuProfile } from './worker-session.ts';

/**
 * Where a worker's CPU went: a V8 CPU profile summed as self time per function (name and place
 * in the bundle). Readable names need an unminified build: `npx vite build --minify false
 * --outDir <dir>`, then `npm run bench -- --profile --extension-dir <dir>`.
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
