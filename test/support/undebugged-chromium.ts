import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ensureChromium } from './chromium.ts';
import { chromiumArgs, chromiumEnv, type LaunchOptions } from './extension-browser.ts';

/**
 * The production extension in real Chromium with no debugger on its service worker, so Chrome's
 * own lifecycle rules apply to it. Playwright cannot do this: it attaches to every service worker
 * it sees, and Chrome never stops a worker a debugger is attached to (toolchain.md). So Chromium
 * is started here with `--remote-debugging-pipe` and driven by a few CDP commands of our own that
 * attach to the extension's *pages* only; the worker target is listed (`Target.getTargets`, which
 * attaches nothing) but never attached to.
 */
export class UndebuggedChromium {
  readonly #process: ChildProcess;
  readonly #cdp: PipeCdp;
  readonly #profileDir: string;
  readonly extensionId: string;

  private constructor(process: ChildProcess, cdp: PipeCdp, profileDir: string, extensionId: string) {
    this.#process = process;
    this.#cdp = cdp;
    this.#profileDir = profileDir;
    this.extensionId = extensionId;
  }

  static async launch(options: Pick<LaunchOptions, 'hosts'>): Promise<UndebuggedChromium> {
    const profileDir = mkdtempSync(join(tmpdir(), 'sefo-undebugged-'));
    const child = spawn(
      ensureChromium(),
      [
        ...chromiumArgs(options),
        '--headless',
        '--remote-debugging-pipe',
        `--user-data-dir=${profileDir}`,
        '--no-default-browser-check',
        '--password-store=basic',
        '--use-mock-keychain',
        'about:blank',
      ],
      // fd 3 carries commands to the browser, fd 4 its answers (the pipe transport of CDP).
      { env: chromiumEnv('en'), stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const cdp = new PipeCdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const worker = (await workerTargets(cdp))[0];
      if (worker) {
        return new UndebuggedChromium(child, cdp, profileDir, new URL(worker.url).host);
      }
      if (Date.now() > deadline) throw new Error('The extension’s service worker did not start.');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The extension's service worker as Chrome lists it (none while it is stopped). */
  async workers(): Promise<TargetInfo[]> {
    return (await workerTargets(this.#cdp)).filter((t) =>
      t.url.startsWith(`chrome-extension://${this.extensionId}/`),
    );
  }

  /**
   * Opens one of the extension's pages, runs `use` with a way to send it protocol messages as the
   * page would, and closes it again: an open options page asks the worker for news every few
   * seconds, which would keep the worker awake.
   */
  async withPage<T>(use: (message: (type: string, payload?: unknown) => Promise<unknown>) => Promise<T>) {
    const url = `chrome-extension://${this.extensionId}/options.html#helper`;
    const { targetId } = (await this.#cdp.send('Target.createTarget', { url })) as { targetId: string };
    try {
      const { sessionId } = (await this.#cdp.send('Target.attachToTarget', { targetId, flatten: true })) as {
        sessionId: string;
      };
      const evaluate = async (expression: string): Promise<unknown> => {
        const reply = (await this.#cdp.send(
          'Runtime.evaluate',
          { expression, awaitPromise: true, returnByValue: true },
          sessionId,
        )) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
        if (reply.exceptionDetails) throw new Error(reply.exceptionDetails.text);
        return reply.result.value;
      };
      const deadline = Date.now() + 10_000;
      while ((await evaluate('typeof chrome?.runtime?.sendMessage')) !== 'function') {
        if (Date.now() > deadline) throw new Error('The extension page did not load.');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return await use((type, payload = {}) =>
        evaluate(`chrome.runtime.sendMessage(${JSON.stringify({ type, payload })})`),
      );
    } finally {
      await this.#cdp.send('Target.closeTarget', { targetId });
    }
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    this.#process.kill('SIGTERM');
    await exited;
    rmSync(this.#profileDir, { recursive: true, force: true });
  }
}

export interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  /** Whether a debugger (any CDP client) is attached to the target. */
  attached: boolean;
}

async function workerTargets(cdp: PipeCdp): Promise<TargetInfo[]> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
  return targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
}

/** CDP over Chromium's debugging pipe: JSON messages, each ended by a NUL byte. */
class PipeCdp {
  readonly #input: Writable;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #next = 1;
  #buffer = '';

  constructor(input: Writable, output: Readable) {
    this.#input = input;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let end = this.#buffer.indexOf('\0'); end >= 0; end = this.#buffer.indexOf('\0')) {
        const message = JSON.parse(this.#buffer.slice(0, end)) as CdpReply;
        this.#buffer = this.#buffer.slice(end + 1);
        const waiting = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (!waiting || message.id === undefined) continue;
        this.#pending.delete(message.id);
        if (message.error) waiting.reject(new Error(`${message.error.message} (${message.error.code})`));
        else waiting.resolve(message.result);
      }
    });
    output.on('close', () => {
      for (const waiting of this.#pending.values()) waiting.reject(new Error('Chromium closed the pipe.'));
      this.#pending.clear();
    });
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }
}

interface CdpReply {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
}
