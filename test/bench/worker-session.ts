import type { CDPSession } from 'playwright-core';
import type { ExtensionBrowser } from '../support/extension-browser.ts';

/**
 * A DevTools session on the extension's service worker, through the browser's CDP connection in
 * its non-flattened mode (the one a Playwright CDP session can relay; see extension-browser.ts).
 * The bench reads the worker's heap, profiles its CPU and runs its clock faster through it.
 */
export class WorkerSession {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const reply = JSON.parse(event.message) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (reply.id === undefined) return;
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error) waiter?.reject(new Error(`worker CDP: ${reply.error.message}`));
      else waiter?.resolve(reply.result);
    });
  }

  static async attach(browser: ExtensionBrowser): Promise<WorkerSession> {
    const cdp = await browser.context.browser()!.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`${browser.origin}/`),
    );
    if (!target) throw new Error('The extension’s service worker is not running.');
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    return new WorkerSession(cdp, sessionId);
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.cdp
        .send('Target.sendMessageToTarget', {
          sessionId: this.sessionId,
          message: JSON.stringify({ id, method, params }),
        })
        .catch((error: Error) => {
          this.#pending.delete(id);
          reject(error);
        });
    });
  }

  /**
   * The worker's memory now (`Runtime.getHeapUsage`): the JavaScript heap in use, and the
   * ArrayBuffer backing stores and embedder objects that live beside it.
   */
  async heapUsage(): Promise<{ used: number; backing: number }> {
    const usage = await this.send<{
      usedSize: number;
      embedderHeapUsedSize?: number;
      backingStorageSize?: number;
    }>('Runtime.getHeapUsage');
    return {
      used: usage.usedSize + (usage.embedderHeapUsedSize ?? 0),
      backing: usage.backingStorageSize ?? 0,
    };
  }

  /**
   * Makes the worker's clock run `factor` times as fast: `Date.now()` and `performance.now()`
   * advance `factor` ms per real ms, and with `timers` every timer fires after 1/factor of its
   * delay too. The extension is unchanged; its rate budget (and with `timers` its retries, polls
   * and request timeouts) simply sees a faster world – as the sandbox does when it runs Omnisend's
   * minute in 60/factor seconds. Lasts as long as this worker runs.
   */
  async warpClock(factor: number, { timers }: { timers: boolean }): Promise<void> {
    // A worker that has just started has no timers on its global yet for a moment.
    for (let tries = 0; ; tries++) {
      const { result } = await this.send<{ result: { value: unknown } }>('Runtime.evaluate', {
        expression: "typeof setTimeout === 'function' && typeof setInterval === 'function'",
        returnByValue: true,
      });
      if (result.value === true) break;
      if (tries > 100) throw new Error('the worker has no timers');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const expression = `(() => {
      const factor = ${JSON.stringify(factor)}, timers = ${JSON.stringify(timers)};
      const g = globalThis;
      if (g.__benchWarp) throw new Error('the clock is warped already');
      const realNow = Date.now.bind(Date), realPerf = performance.now.bind(performance);
      const t0 = realNow(), p0 = realPerf();
      const timeout = g.setTimeout.bind(g), interval = g.setInterval.bind(g);
      Date.now = () => t0 + (realNow() - t0) * factor;
      performance.now = () => p0 + (realPerf() - p0) * factor;
      if (timers) {
        g.setTimeout = (fn, ms, ...args) => timeout(fn, (Number(ms) || 0) / factor, ...args);
        g.setInterval = (fn, ms, ...args) => interval(fn, (Number(ms) || 0) / factor, ...args);
      }
      g.__benchWarp = factor;
    })()`;
    const reply = await this.send<{
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression });
    const failure = reply.exceptionDetails;
    if (failure) throw new Error(`clock warp: ${failure.exception?.description ?? failure.text}`);
  }

  /** The worker's memory right after a full garbage collection: what it really holds. */
  async heapAfterGc(): Promise<{ used: number; backing: number }> {
    await this.send('HeapProfiler.collectGarbage');
    return this.heapUsage();
  }

  async startProfile(): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: 500 });
    await this.send('Profiler.start');
  }

  async stopProfile(): Promise<CpuProfile> {
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    await this.send('Profiler.disable');
    return profile;
  }

  async detach(): Promise<void> {
    await this.cdp.send('Target.detachFromTarget', { sessionId: this.sessionId }).catch(() => undefined);
    await this.cdp.detach().catch(() => undefined);
  }
}

/** V8's CPU profile, as `Profiler.stop` returns it (also the .cpuprofile file format). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}
