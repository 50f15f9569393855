import type { FieldError } from './problems.ts';
import { maxInAnyWindow, type RateClass } from './rate-limiter.ts';

/** What the sandbox remembers for `inspect`. Never the API key or a request body. */

export interface LoggedRequest {
  /** Arrival, epoch ms. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** `METHOD /template` of the documented operation, when there is one. */
  operation: string | undefined;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  brandId: string | undefined;
}

export interface ContractViolation {
  time: number;
  method: string;
  path: string;
  operation: string | undefined;
  /** A request, or one item of a contact batch held against ContactRequest. */
  source: 'request' | 'batch-item';
  batchID?: string;
  itemIndex?: number;
  errors: FieldError[];
}

/** A welcome message Omnisend's welcome automation would have sent. */
export interface WelcomeMessage {
  time: number;
  brandId: string;
  email: string;
  /** `created`: a new contact arrived subscribed; `resubscribed`: an existing one became subscribed. */
  reason: 'created' | 'resubscribed';
  via: string;
}

export class RequestLog {
  readonly violations: ContractViolation[] = [];
  readonly welcomes: WelcomeMessage[] = [];
  readonly #requests: LoggedRequest[] = [];
  readonly #cap: number;
  readonly #counts = new Map<string, Map<number, number>>();
  readonly #arrivals = new Map<string, number[]>();

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** An authenticated request of a brand reached the limiter (admitted or not). */
  arrived(brandId: string, rateClass: RateClass, time: number): void {
    const key = `${brandId} ${rateClass}`;
    const times = this.#arrivals.get(key) ?? [];
    times.push(time);
    this.#arrivals.set(key, times);
  }

  answered(entry: LoggedRequest): void {
    this.#requests.push(entry);
    if (this.#requests.length > this.#cap) this.#requests.splice(0, this.#requests.length - this.#cap);
    const key = entry.operation ?? `${entry.method} ${entry.path}`;
    const byStatus = this.#counts.get(key) ?? new Map<number, number>();
    byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
    this.#counts.set(key, byStatus);
  }

  requests(): LoggedRequest[] {
    return [...this.#requests];
  }

  /** `{ 'POST /batches': { 201: 12, 429: 1 } }`; status 0 = dropped connection. */
  requestCounts(): Record<string, Record<number, number>> {
    const result: Record<string, Record<number, number>> = {};
    for (const [key, byStatus] of this.#counts) result[key] = Object.fromEntries(byStatus);
    return result;
  }

  countStatus(status: number): number {
    let total = 0;
    for (const byStatus of this.#counts.values()) total += byStatus.get(status) ?? 0;
    return total;
  }

  maxRequestsInAnyWindow(brandId: string, rateClass: RateClass, windowMs: number): number {
    return maxInAnyWindow(this.#arrivals.get(`${brandId} ${rateClass}`) ?? [], windowMs);
  }

  clear(): void {
    this.violations.length = 0;
    this.welcomes.length = 0;
    this.#requests.length = 0;
    this.#counts.clear();
    this.#arrivals.clear();
  }
}
