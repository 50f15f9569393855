/** What the next call of a sandboxed API meets: a throttle (429), a failure, or nothing. */
export type Fault = { kind: 'throttle'; retryAfterSeconds: number } | { kind: 'fail'; status: number } | null;

/**
 * Faults armed by a test for the next calls of one API (after authentication): `throttleNext`
 * answers 429 with `Retry-After`, `failNext` answers a status of its own. Throttles come first.
 */
export class InjectedFaults {
  private throttle = { count: 0, retryAfterSeconds: 1 };
  private failures = { count: 0, status: 503 };

  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.throttle = { count, retryAfterSeconds };
  }

  failNext(count: number, status = 503): void {
    this.failures = { count, status };
  }

  /** The fault the next call meets; it is used up. */
  take(): Fault {
    if (this.throttle.count > 0) {
      this.throttle.count--;
      return { kind: 'throttle', retryAfterSeconds: this.throttle.retryAfterSeconds };
    }
    if (this.failures.count > 0) {
      this.failures.count--;
      return { kind: 'fail', status: this.failures.status };
    }
    return null;
  }
}
