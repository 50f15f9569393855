import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent by Chromium's processes and threads, read from Linux's /proc – the figure that
 * other work on the machine does not inflate the way it inflates wall time. The extension's
 * service worker is the thread named "ServiceWorker t…" of the extension's renderer process.
 * Elsewhere than on Linux every figure is null.
 */

export interface CpuSnapshot {
  /** Seconds of CPU: the extension's service worker thread. */
  worker: number;
  /** The other threads of the extension's process: its pages, IPC, and the worker's GC helpers. */
  extension: number;
  /** The browser process: IndexedDB's backend and the message routing. */
  browser: number;
  /** Utility processes: the network service (HTTP and TLS). */
  network: number;
  /** GPU process and other renderers. */
  other: number;
  /** Seconds by part and thread name ("browser: Chrome_IOThread"), to see which thread of a part works. */
  threads: Record<string, number>;
}

const TICKS_PER_SECOND = 100;

function stat(path: string): { ppid: number; cpu: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** CPU of the browser started on `profileDir` and all its descendants, now. */
export function chromiumCpu(profileDir: string): CpuSnapshot | null {
  if (process.platform !== 'linux') return null;
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const parents = new Map<string, string>();
  for (const pid of pids) {
    const info = stat(`/proc/${pid}/stat`);
    if (info) parents.set(pid, String(info.ppid));
  }
  const root = pids.find((pid) => {
    const command = cmdline(pid);
    return command.includes(`--user-data-dir=${profileDir}`) && !command.includes('--type=');
  });
  if (!root) return null;
  const ours = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents)
      if (!ours.has(pid) && ours.has(parent)) {
        ours.add(pid);
        grew = true;
      }
  }
  const cpu: CpuSnapshot = { worker: 0, extension: 0, browser: 0, network: 0, other: 0, threads: {} };
  for (const pid of ours) {
    const command = cmdline(pid);
    const extension = command.includes('--extension-process');
    const type = /--type=(\S+)/.exec(command)?.[1];
    const bucket: keyof CpuSnapshot = extension
      ? 'extension'
      : type === undefined
        ? 'browser'
        : type === 'utility'
          ? 'network'
          : 'other';
    let threads: string[] = [];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of threads) {
      const info = stat(`/proc/${pid}/task/${tid}/stat`);
      if (!info) continue;
      let name = '';
      try {
        name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8');
      } catch {
        // The thread ended meanwhile.
      }
      const part = extension && name.startsWith('ServiceWorker') ? 'worker' : bucket;
      cpu[part] += info.cpu;
      // Thread names end with a number per instance ("ThreadPoolForeg…"): summed by kind.
      const kind = `${part}: ${name.trim().replace(/\d+$/, '')}`;
      cpu.threads[kind] = (cpu.threads[kind] ?? 0) + info.cpu;
    }
  }
  return cpu;
}

/** CPU seconds of the calling thread (Linux), e.g. the sandbox's worker thread. */
export function threadCpu(): number | null {
  if (process.platform !== 'linux') return null;
  return stat('/proc/thread-self/stat')?.cpu ?? null;
}

/** CPU spent between two snapshots, by part. */
export function cpuBetween(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuSnapshot | null {
  if (before === null || after === null) return null;
  return {
    worker: after.worker - before.worker,
    extension: after.extension - before.extension,
    browser: after.browser - before.browser,
    network: after.network - before.network,
    other: after.other - before.other,
    threads: Object.fromEntries(
      Object.entries(after.threads)
        .map(([kind, seconds]): [string, number] => [kind, seconds - (before.threads[kind] ?? 0)])
        .filter(([, seconds]) => seconds > 0.005)
        .sort((a, b) => b[1] - a[1]),
    ),
  };
}
