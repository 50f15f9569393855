import { useEffect, useState } from 'preact/hooks';

export type AsyncState<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'failed'; error: unknown };

/**
 * Runs `load` once per change of `deps` and exposes its progress; a stale answer is dropped. A
 * reload keeps showing the previous value until the new one arrives, so lists do not flicker.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [result, setResult] = useState<AsyncState<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setResult({ state: 'ready', value }),
      (error: unknown) => current && setResult({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, deps); // the caller names what `load` depends on
  return result;
}
