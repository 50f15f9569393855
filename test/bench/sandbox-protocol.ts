import type { RateClass } from '../sandbox/omnisend/index.ts';

/**
 * The sandboxes run in a worker thread during the bench, so that their CPU (every request the
 * extension makes is validated against Omnisend's OpenAPI documents and served) runs beside the
 * bench's own thread, and so that how busy they were can be measured apart: a sandbox that is
 * busy most of the time would be what the bench measures, not the extension. These are the
 * messages between the bench and that thread.
 */

export interface SandboxStartOptions {
  /** 1: Omnisend's limits per minute; 60: the same counts per second (the window becomes 1 s). */
  timeScale: number;
  /** Omnisend's requests per window and class; omit for Omnisend's (400 and 60 a minute). */
  rateLimits?: Partial<Record<RateClass, number>>;
  /** A Customer Insights environment with one segment of this many members; none when 0. */
  customerInsightsMembers: number;
}

export interface SandboxEndpoint {
  omnisendPort: number;
  apiKey: string;
  customerInsights: {
    port: number;
    environmentId: string;
    subscriptionKey: string;
    segmentName: string;
  } | null;
}

export interface SandboxStats {
  /** `{ 'POST /batches': { 201: 500 } }` by operation and status. */
  requestCounts: Record<string, Record<number, number>>;
  count429: number;
  contractViolations: number;
  /** The first few violations, to print. */
  violationSamples: string[];
  /** Most requests of each class the sandbox saw inside any one of its windows. */
  peakInWindow: Record<RateClass, number>;
  contacts: number;
  /** Contacts carrying the segment tag. */
  tagged: number;
  /** Customer Insights Data API reads of members. */
  memberReads: number;
  /**
   * Share of wall time the sandbox thread's event loop was busy since the last `clear` (1 = a
   * whole core): near 1, the sandbox would set the pace.
   */
  busy: number;
  /** CPU seconds of the sandbox thread since the last `clear` (Linux; null elsewhere). */
  cpuSeconds: number | null;
}

export type SandboxRequest =
  | { id: number; op: 'start'; options: SandboxStartOptions }
  | { id: number; op: 'stats'; tag: string }
  | { id: number; op: 'whenIdle' }
  | { id: number; op: 'clear' }
  | { id: number; op: 'stop' };

export type SandboxReply =
  | { id: number; ok: true; value: SandboxEndpoint | SandboxStats | null }
  | { id: number; ok: false; error: string };
