import type { SessionArea } from '../../src/background/session-area.ts';

/** `storage.session` for Node tests: a plain map with the same get/set/remove/clear contract. */
export function memorySession(): SessionArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const pick = (keys: null | undefined | string | string[] | Record<string, unknown>) => {
    if (keys === null || keys === undefined) return Object.fromEntries(data);
    const names = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
    return Object.fromEntries(names.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
  };
  return {
    data,
    get: async (keys) => pick(keys),
    set: async (items) => {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
    },
    remove: async (keys) => {
      for (const key of typeof keys === 'string' ? [keys] : keys) data.delete(key);
    },
    clear: async () => {
      data.clear();
    },
  };
}
