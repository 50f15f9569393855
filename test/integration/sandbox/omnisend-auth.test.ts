import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { call, contactItem } from './omnisend-calls.ts';

describe('the Omnisend sandbox checks keys, versions and scopes', () => {
  let sandbox: OmnisendSandbox;
  let readOnlyKey: string;
  let contactsOnlyKey: string;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox({
      brands: [
        {
          name: 'Northwind',
          keys: [
            {},
            { scopes: ['brands.read', 'contacts.read'] },
            { scopes: ['contacts.read', 'contacts.write'] },
            { key: 'revoked-key-0001', revoked: true },
          ],
        },
      ],
    });
    readOnlyKey = sandbox.brands[0]?.keys[1]?.key ?? '';
    contactsOnlyKey = sandbox.brands[0]?.keys[2]?.key ?? '';
  });
  afterAll(() => sandbox.close());

  it('answers GET /brands/current with the brand of the key', async () => {
    const result = await call(sandbox, 'GET', '/brands/current');
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ brandID: sandbox.brandId, name: 'Northwind', connected: true });
  });

  it('answers 401 with an RFC 9457 problem for a missing, unknown or revoked key', async () => {
    for (const apiKey of [null, 'not-a-key', 'revoked-key-0001']) {
      const result = await call(sandbox, 'GET', '/brands/current', { apiKey });
      expect(result.status).toBe(401);
      expect(result.json).toMatchObject({
        type: 'https://problems.omnisend.com/unauthorized',
        title: 'Unauthorized',
        status: 401,
      });
      expect((result.json as { instance: string }).instance).toMatch(/^urn:omnisend:request:[0-9a-f-]{36}$/);
    }
  });

  it('answers 401 to a key revoked while the sandbox runs', async () => {
    const key = sandbox.addKey().key;
    expect((await call(sandbox, 'GET', '/brands/current', { apiKey: key })).status).toBe(200);
    sandbox.revokeKey(key);
    expect((await call(sandbox, 'GET', '/brands/current', { apiKey: key })).status).toBe(401);
  });

  it('answers 400 to an unknown API version and 410 to a retired one', async () => {
    const unknown = await call(sandbox, 'GET', '/brands/current', { version: '2027-01-01' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      type: 'https://problems.omnisend.com/validation-failed',
      errors: [{ field: 'header.Omnisend-Version', code: 'invalid_value' }],
    });
    const retired = await call(sandbox, 'GET', '/brands/current', { version: '2026-preview' });
    expect(retired.status).toBe(410);
    expect(retired.json).toMatchObject({ status: 410, detail: 'API version 2026-preview has been retired.' });
  });

  it('answers 403 to a key without brands.read on /brands/current', async () => {
    const result = await call(sandbox, 'GET', '/brands/current', { apiKey: contactsOnlyKey });
    expect(result.status).toBe(403);
    expect(result.json).toMatchObject({ type: 'https://problems.omnisend.com/forbidden', status: 403 });
    expect((result.json as { detail: string }).detail).toContain('brands.read');
  });

  it('answers 403 to a key without contacts.write on batches, tags and upserts', async () => {
    const batch = { endpoint: 'contacts', method: 'POST', items: [contactItem('a@example.com')] };
    const tags = { emails: ['a@example.com'], tags: ['VIP'] };
    const answers = [
      await call(sandbox, 'POST', '/batches', { apiKey: readOnlyKey, body: batch }),
      await call(sandbox, 'POST', '/contacts/tags', { apiKey: readOnlyKey, body: tags }),
      await call(sandbox, 'DELETE', '/contacts/tags', { apiKey: readOnlyKey, body: tags }),
      await call(sandbox, 'POST', '/contacts', { apiKey: readOnlyKey, body: contactItem('a@example.com') }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403]);
    expect(sandbox.inspect.contactCount()).toBe(0);
    expect((await call(sandbox, 'GET', '/contacts?limit=1', { apiKey: readOnlyKey })).status).toBe(200);
  });

  it('never writes an API key into its request log', () => {
    const logged = JSON.stringify(sandbox.inspect.requests());
    for (const key of sandbox.brands[0]?.keys ?? []) expect(logged).not.toContain(key.key);
    expect(sandbox.inspect.requests().length).toBeGreaterThan(10);
  });

  it('records a request without Omnisend-Version as a contract violation and answers 400', async () => {
    expect(sandbox.inspect.contractViolations()).toEqual([]);
    const result = await call(sandbox, 'GET', '/brands/current', { version: null });
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ errors: [{ field: 'header.Omnisend-Version', code: 'required' }] });
    expect(sandbox.inspect.contractViolations()).toMatchObject([
      { operation: 'GET /brands/current', errors: [{ field: 'header.Omnisend-Version', code: 'required' }] },
    ]);
  });
});
