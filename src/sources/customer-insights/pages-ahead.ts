import { CustomerInsightsError } from './errors.ts';

/**
 * Pages a read started fetching before they were asked for, by key (customer-insights.md: a page
 * is one request, so a read one request at a time goes no faster than the service answers).
 *
 * A page fetched ahead carries the signal of the read that started it. If that fetch failed – or
 * its read stopped and aborted it – whoever asks for the page fetches it again with their own
 * signal, so a failure is reported to the read it belongs to, never to a later one. The exception is
 * the service asking to wait (429 with a Retry-After longer than a read waits inline): that is the
 * service's state, not the read's, so the asker gets it too and waits instead of asking at once.
 */
export class PagesAhead<T> {
  readonly #pages = new Map<string, Promise<T>>();

  /** The page at `key`: fetched ahead already, or now. A miss means the read went elsewhere: the rest goes. */
  take(key: string, fetch: () => Promise<T>): Promise<T> {
    const ahead = this.#pages.get(key);
    if (!ahead) {
      this.#pages.clear();
      return fetch();
    }
    this.#pages.delete(key);
    return ahead.catch((error: unknown) => {
      if (error instanceof CustomerInsightsError && error.retryAfterMs !== undefined) throw error;
      return fetch();
    });
  }

  /** Starts fetching the page at `key` unless it is under way; nobody may ask for it. */
  start(key: string, fetch: () => Promise<T>): Promise<T> {
    let page = this.#pages.get(key);
    if (!page) {
      page = fetch();
      page.catch(() => undefined);
      this.#pages.set(key, page);
    }
    return page;
  }

  /** Forgets the pages not in `keys`: the read will not reach them. */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.#pages.keys()) if (!keys.has(key)) this.#pages.delete(key);
  }
}
