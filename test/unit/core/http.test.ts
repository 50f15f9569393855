import { describe, expect, it } from 'vitest';
import { type HttpRequest, sendHttp, TransportError } from '../../../src/core/http.ts';
import { fakeFetch, hang, json, stallBody } from '../../support/fake-fetch.ts';

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  url: 'https://api.example.com/things?x=1',
  method: 'GET',
  headers: { accept: 'application/json' },
  timeoutMs: 50,
  ...overrides,
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('sendHttp', () => {
  it('sends the request as given and reads a JSON answer of any status', async () => {
    const { fetch, requests } = fakeFetch(() => json(404, { missing: true }, { 'Retry-After': '3' }));
    const answer = await sendHttp(fetch, request({ method: 'POST', body: '{"a":1}' }));
    expect(answer).toMatchObject({ status: 404, ok: false, body: { missing: true } });
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(requests[0]?.headers.get('accept')).toBe('application/json');
  });

  it('gives no body for an empty or non-JSON answer, and says which statuses are 2xx', async () => {
    const empty = fakeFetch(() => new Response(null, { status: 204 }));
    expect(await sendHttp(empty.fetch, request())).toMatchObject({ status: 204, ok: true, body: undefined });
    const html = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(await sendHttp(html.fetch, request())).toMatchObject({ status: 502, ok: false, body: undefined });
  });

  it('calls fetch as a plain function, as a browser requires', async () => {
    let receiver: unknown = 'unset';
    const fetchFn = function (this: unknown) {
      receiver = this;
      return Promise.resolve(json(200, {}));
    } as unknown as typeof fetch;
    await sendHttp(fetchFn, request());
    expect(receiver).toBeUndefined();
  });

  it('gives up after timeoutMs, body included, with a timeout TransportError', async () => {
    for (const stall of [hang, stallBody]) {
      const { fetch } = fakeFetch(stall);
      const error = await failureOf(sendHttp(fetch, request({ timeoutMs: 30 })));
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 30 });
    }
  });

  it('reports a fetch that throws as a network TransportError carrying the cause', async () => {
    const cause = new TypeError('fetch failed');
    const { fetch } = fakeFetch(() => {
      throw cause;
    });
    const error = await failureOf(sendHttp(fetch, request()));
    expect(error).toMatchObject({ name: 'TransportError', kind: 'network', cause });
  });

  it('rejects with the caller’s abort reason as it is, before and during the request', async () => {
    const reason = new Error('the run was canceled');
    const { fetch, requests } = fakeFetch(hang);
    await expect(sendHttp(fetch, request({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
    const controller = new AbortController();
    const pending = sendHttp(fetch, request({ signal: controller.signal, timeoutMs: 10_000 }));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
