import { json } from '../../support/fake-fetch.ts';

/** An RFC 9457 problem body as Omnisend answers failures. */
export function problem(status: number, extra: Record<string, unknown> = {}): Response {
  return json(status, {
    type: 'https://problems.omnisend.com/problem',
    title: 'Problem',
    status,
    detail: 'Something is wrong.',
    instance: `urn:omnisend:request:${status}-0000`,
    ...extra,
  });
}

export const brand = {
  brandID: '5f92cbf10cf217478ba93561',
  name: 'Acme',
  website: 'https://acme.example',
  currency: 'EUR',
  timezone: 'Europe/Vilnius',
  platform: 'api',
  version: '2',
  connected: true,
};
