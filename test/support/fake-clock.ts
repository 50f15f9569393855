import { abortReason, type Clock } from '../../src/core/clock.ts';

interface Timer {
  at: number;
  seq: number;
  fire(): void;
}

/** Lets every pending promise callback run (setImmediate comes after the microtask queue). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock whose time moves only when the test says so. Sleepers wake in time order, and between
 * two wake-ups every promise callback runs, so code that awaits between sleeps behaves as it
 * would with real time – only minutes pass in milliseconds.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Moves time forward by `ms`, waking sleepers in order on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (let timer = this.#next(); timer && timer.at <= target; timer = this.#next()) {
      await this.#fire(timer);
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /**
   * Runs time forward until `promise` settles and returns its outcome. Fails instead of hanging
   * when the promise waits for something that is not a timer.
   */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await flushMicrotasks();
    while (!settled) {
      const timer = this.#next();
      if (!timer) throw new Error('FakeClock.run: the promise is pending and no timer is left');
      await this.#fire(timer);
    }
    return promise;
  }

  #next(): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.#timers) {
      if (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
    }
    return next;
  }

  async #fire(timer: Timer): Promise<void> {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.fire();
    await flushMicrotasks();
  }
}
