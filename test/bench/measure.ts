import { performance } from 'node:perf_hooks';

/**
 * What a scenario measures besides its run: this thread's heap and the process's RSS, sampled
 * while it runs, and how busy this thread's event loop was (1.00 = never idle: CPU-bound).
 */

export interface MemoryFigures {
  /** Before the run (after a GC when one can be forced). */
  heapBefore: number;
  heapPeak: number;
  /** Median of the samples: less sensitive to when GC happened to run than the peak. */
  heapMedian: number;
  rssPeak: number;
  /** After the run, after a forced GC, with the run's database still open; null without GC. */
  heapAfterGc: number | null;
  samples: number;
}

export interface Sampler {
  stop(): { memory: MemoryFigures; eventLoopUtilization: number };
}

/** `global.gc` when node runs with --expose-gc (e.g. NODE_OPTIONS=--expose-gc); else nothing. */
export function forceGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  gc();
  return true;
}

export function startSampler(everyMs = 50): Sampler {
  forceGc();
  const heapBefore = process.memoryUsage().heapUsed;
  const heaps: number[] = [];
  let rssPeak = 0;
  const sample = () => {
    const { heapUsed, rss } = process.memoryUsage();
    heaps.push(heapUsed);
    rssPeak = Math.max(rssPeak, rss);
  };
  const timer = setInterval(sample, everyMs);
  const elu = performance.eventLoopUtilization();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const sorted = [...heaps].sort((a, b) => a - b);
      const eventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
      const heapAfterGc = forceGc() ? process.memoryUsage().heapUsed : null;
      return {
        memory: {
          heapBefore,
          heapPeak: sorted.at(-1) ?? heapBefore,
          heapMedian: sorted[Math.floor(sorted.length / 2)] ?? heapBefore,
          rssPeak,
          heapAfterGc,
          samples: heaps.length,
        },
        eventLoopUtilization,
      };
    },
  };
}

export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
