/**
 * The worker's readiness gate (uBlock Origin Lite's `isFullyInitialized`): `start` runs at once,
 * when the worker starts, and every message and alarm awaits the same promise. A start that failed
 * (the database would not open) is not kept for the worker's life: the first caller to meet the
 * failure starts once more, and every caller waiting meanwhile gets that second attempt. Should it
 * fail too, the failure stands until the browser starts the worker again.
 */
export function readinessGate<T>(start: () => Promise<T>, retries = 1): () => Promise<T> {
  let attempt = start();
  let left = retries;
  // Callers await it; a failure nobody asked for yet is no unhandled rejection.
  attempt.catch(() => undefined);
  return () => {
    const awaited = attempt;
    return awaited.catch(() => {
      if (attempt === awaited && left > 0) {
        left--;
        attempt = start();
      }
      return attempt;
    });
  };
}
