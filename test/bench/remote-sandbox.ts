import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  SandboxEndpoint,
  SandboxReply,
  SandboxRequest,
  SandboxStartOptions,
  SandboxStats,
} from './sandbox-protocol.ts';

type Op = SandboxRequest['op'];
type Payload<K extends Op> = Omit<Extract<SandboxRequest, { op: K }>, 'id' | 'op'>;

/** The sandboxes of one scenario, in the worker thread, reached over 127.0.0.1 only. */
export interface RemoteSandbox {
  endpoint: SandboxEndpoint;
  /** What the sandboxes saw since the start (or the last `clear`); `tag` is the segment tag to count. */
  stats(tag: string): Promise<SandboxStats>;
  /** Resolves once no Omnisend batch or tag change is still being processed. */
  whenIdle(): Promise<void>;
  clear(): Promise<void>;
}

export interface SandboxThread {
  /** Starts a scenario's sandboxes, stopping the previous scenario's. */
  start(options: SandboxStartOptions): Promise<RemoteSandbox>;
  close(): Promise<void>;
}

const runTs = fileURLToPath(new URL('../run-ts.mjs', import.meta.url));
const threadEntry = fileURLToPath(new URL('./sandbox-thread.ts', import.meta.url));

export function startSandboxThread(): SandboxThread {
  const worker = new Worker(runTs, { argv: [threadEntry] });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: SandboxReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`sandbox thread: ${reply.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`sandbox thread exited (${code})`)));

  function call<K extends Op>(op: K, payload: Payload<K>): Promise<unknown> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, ...payload });
    });
  }

  return {
    async start(options) {
      const endpoint = (await call('start', { options })) as SandboxEndpoint;
      return {
        endpoint,
        stats: async (tag) => (await call('stats', { tag })) as SandboxStats,
        whenIdle: async () => void (await call('whenIdle', {})),
        clear: async () => void (await call('clear', {})),
      };
    },
    async close() {
      await call('stop', {}).catch(() => undefined);
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
