import type { RateClass } from '../sandbox/omnisend/index.ts';

/**
 * The Omnisend sandbox runs in a worker thread during the bench, so that its heap (every contact
 * it holds) is not counted as the engine's, and its CPU runs on the other core as Omnisend's
 * servers would. These are the messages between the bench and that thread.
 */

export interface SandboxStartOptions {
  timeScale: number;
  /** Requests per window and class; omit for Omnisend's (400 and 60). */
  rateLimits?: Partial<Record<RateClass, number>>;
  batchProcessingDelayMs: number;
  tagApplyDelayMs: number;
}

export interface SandboxEndpoint {
  port: number;
  /** The throwaway certificate to trust (it lives in the thread's module graph). */
  ca: string;
  apiKey: string;
  brandId: string;
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
  /** The sandbox thread's own heap, for the record. */
  heapUsed: number;
}

export type SandboxRequest =
  | { id: number; op: 'start'; options: SandboxStartOptions }
  | { id: number; op: 'stats' }
  | { id: number; op: 'whenIdle' }
  | { id: number; op: 'clear' }
  | { id: number; op: 'stop' };

export type SandboxReply =
  | { id: number; ok: true; value: SandboxEndpoint | SandboxStats | null }
  | { id: number; ok: false; error: string };
