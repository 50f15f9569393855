import { describe, expect, it } from 'vitest';
import { CustomerInsightsError } from '../../../../src/sources/customer-insights/errors.ts';
import { PagesAhead } from '../../../../src/sources/customer-insights/pages-ahead.ts';

describe('PagesAhead', () => {
  it('hands over a page fetched ahead without fetching it again', async () => {
    const ahead = new PagesAhead<string>();
    let fetches = 0;
    const fetch = () => Promise.resolve(`page ${++fetches}`);
    void ahead.start('a', fetch);
    await expect(ahead.take('a', fetch)).resolves.toBe('page 1');
    expect(fetches).toBe(1);
  });

  it('fetches again, for the asker, a page whose fetch ahead failed or was aborted', async () => {
    const ahead = new PagesAhead<string>();
    void ahead.start('a', () => Promise.reject(new DOMException('stopped', 'AbortError')));
    await expect(ahead.take('a', () => Promise.resolve('fresh'))).resolves.toBe('fresh');
  });

  it('passes on a Retry-After the service answered to the fetch ahead instead of asking again at once', async () => {
    const ahead = new PagesAhead<string>();
    const throttled = new CustomerInsightsError('customer-insights.rate-limited', 'wait', {
      status: 429,
      retryAfterMs: 120_000,
    });
    void ahead.start('a', () => Promise.reject(throttled));
    let fetched = false;
    const take = ahead.take('a', () => {
      fetched = true;
      return Promise.resolve('too early');
    });
    await expect(take).rejects.toBe(throttled);
    expect(fetched).toBe(false);
  });

  it('forgets the pages the read will not reach', async () => {
    const ahead = new PagesAhead<string>();
    void ahead.start('a', () => Promise.resolve('old a'));
    void ahead.start('b', () => Promise.resolve('old b'));
    ahead.keepOnly(new Set(['b']));
    await expect(ahead.take('a', () => Promise.resolve('new a'))).resolves.toBe('new a');
  });
});
