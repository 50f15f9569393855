import { abortReason, type Clock } from '../../core/clock.ts';

/**
 * Lets one lane of a run wake the other ("a batch was submitted") instead of it polling on a
 * timer. In memory only: it carries no state, a lost wake-up just means waiting the timeout.
 */
export class WakeSignal {
  #waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves on notify() or after `ms`; rejects if `signal` aborts. */
  async wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortReason(signal);
    const timer = new AbortController();
    const wake = () => timer.abort();
    this.#waiters.add(wake);
    signal.addEventListener('abort', wake, { once: true });
    try {
      await clock.sleep(Math.max(0, ms), timer.signal);
    } catch {
      // Woken early.
    } finally {
      this.#waiters.delete(wake);
      signal.removeEventListener('abort', wake);
    }
    if (signal.aborted) throw abortReason(signal);
  }
}
