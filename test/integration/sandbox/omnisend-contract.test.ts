import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { call, contactItem } from './omnisend-calls.ts';

describe('the Omnisend sandbox holds every request against the OpenAPI documents', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox();
  });
  afterAll(() => sandbox.close());

  /** Sends a malformed request; expects a 400 validation problem naming `field` and one new violation. */
  async function expectViolation(
    method: string,
    path: string,
    options: Parameters<typeof call>[3],
    field: string,
    code: string,
  ): Promise<void> {
    const before = sandbox.inspect.contractViolations().length;
    const result = await call(sandbox, method, path, options);
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({
      type: 'https://problems.omnisend.com/validation-failed',
      errors: expect.arrayContaining([expect.objectContaining({ field, code })]),
    });
    const violations = sandbox.inspect.contractViolations();
    expect(violations).toHaveLength(before + 1);
    expect(violations.at(-1)).toMatchObject({
      source: 'request',
      method,
      path: `/api${path.split('?')[0]}`,
    });
  }

  it('catches a batch for an endpoint that does not exist', async () => {
    const body = { endpoint: 'nope', method: 'POST', items: [contactItem('a@example.com')] };
    await expectViolation('POST', '/batches', { body }, 'endpoint', 'invalid_value');
  });

  it('catches a batch of more than 100 items', async () => {
    const items = Array.from({ length: 101 }, (_, index) => contactItem(`n${index}@example.com`));
    await expectViolation(
      'POST',
      '/batches',
      { body: { endpoint: 'contacts', method: 'POST', items } },
      'items',
      'invalid_length',
    );
  });

  it('catches a contact whose identifiers are not a list', async () => {
    await expectViolation('POST', '/contacts', { body: { identifiers: 'x' } }, 'identifiers', 'invalid_type');
  });

  it('catches an identifier without a type', async () => {
    await expectViolation(
      'POST',
      '/contacts',
      { body: { identifiers: [{ id: 'a@example.com' }] } },
      'identifiers.0.type',
      'required',
    );
  });

  it('catches a body that is not JSON', async () => {
    await expectViolation('POST', '/contacts', { rawBody: '{"identifiers": [' }, 'body', 'invalid_json');
  });

  it('catches a query parameter the operation does not declare', async () => {
    await expectViolation('GET', '/contacts?emial=a%40example.com', {}, 'query.emial', 'unknown_parameter');
  });

  it('catches a limit outside 1–250 on the contact list', async () => {
    await expectViolation('GET', '/contacts?limit=0', {}, 'query.limit', 'out_of_range');
  });

  it('catches the tag and status filters used together', async () => {
    await expectViolation('GET', '/contacts?tag=VIP&status=subscribed', {}, 'query.tag', 'conflict');
  });

  it('catches a tag call without any contact selector', async () => {
    await expectViolation('POST', '/contacts/tags', { body: { tags: ['VIP'] } }, 'body', 'required');
  });

  it('catches a tag call with more than 250 emails', async () => {
    const emails = Array.from({ length: 251 }, (_, index) => `t${index}@example.com`);
    await expectViolation(
      'DELETE',
      '/contacts/tags',
      { body: { emails, tags: ['VIP'] } },
      'emails',
      'invalid_length',
    );
  });

  it('catches a batch list without the required endpoint parameter', async () => {
    await expectViolation('GET', '/batches?status=finished', {}, 'query.endpoint', 'required');
  });

  it('answers 404 or 405 to operations the documents do not have, and records them', async () => {
    const before = sandbox.inspect.contractViolations().length;
    expect((await call(sandbox, 'GET', '/contacts/abc/events')).status).toBe(404);
    expect((await call(sandbox, 'DELETE', '/batches')).status).toBe(405);
    expect((await call(sandbox, 'GET', '/v3/contacts')).status).toBe(404);
    expect(sandbox.inspect.contractViolations().slice(before)).toMatchObject([
      { path: '/api/contacts/abc/events', errors: [{ code: 'unknown_operation' }] },
      { path: '/api/batches', method: 'DELETE' },
      { path: '/api/v3/contacts' },
    ]);
  });

  it('recorded exactly the violations provoked above, and changed nothing', () => {
    expect(sandbox.inspect.contractViolations()).toHaveLength(14);
    expect(sandbox.inspect.contactCount()).toBe(0);
  });
});
