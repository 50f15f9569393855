import { useState } from 'preact/hooks';

/** Runs a user's action against the worker, keeps its failure for display, then calls `after`. */
export function useAction(after: () => void) {
  const [error, setError] = useState<unknown>(null);
  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      after();
    } catch (e) {
      setError(e);
    }
  }
  return { error, run };
}
