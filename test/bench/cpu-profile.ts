import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/**
 * A V8 CPU profile of this thread (node:inspector, no flags needed), summed as self time by what
 * the code belongs to – to say where a run's time goes.
 */

export interface TimeShare {
  category: string;
  ms: number;
  share: number;
}

export interface CpuProfiler {
  stop(): Promise<TimeShare[]>;
}

export async function startCpuProfile(): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      return summarize(profile);
    },
  };
}

/** V8's '(idle)' samples: the thread ran no JavaScript and told V8 it was idle. */
export const IDLE = "V8 '(idle)'";

function categoryOf(frame: Profiler.ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return IDLE;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (url.includes('/fake-indexeddb/') || url.includes('/node_modules/idb/'))
    return 'IndexedDB (fake-indexeddb + idb)';
  if (url.includes('/node_modules/zod/')) return 'zod (record and response validation)';
  if (url.includes('/src/')) return 'engine, core, Omnisend client (src/)';
  if (url.includes('/test/')) return 'bench harness and memory source (test/)';
  if (url.includes('/node_modules/')) return 'other libraries';
  return 'Node and V8 (HTTP/TLS, encoding, timers, structuredClone, natives)';
}

function summarize(profile: Profiler.Profile): TimeShare[] {
  const categories = new Map<number, string>();
  for (const node of profile.nodes) categories.set(node.id, categoryOf(node.callFrame));
  const totals = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const us = deltas[i] ?? 0;
    total += us;
    const category =
      categories.get(id) ?? 'Node and V8 (HTTP/TLS, encoding, timers, structuredClone, natives)';
    totals.set(category, (totals.get(category) ?? 0) + us);
  });
  return [...totals]
    .map(([category, us]) => ({ category, ms: us / 1000, share: total > 0 ? us / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
