import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OMNISEND_API_VERSION, OmnisendClient } from '../../../src/omnisend/client.ts';
import type { ContactRequest } from '../../../src/omnisend/schemas.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';

/**
 * The sandbox's contract check is what makes "zero contract violations" in the other suites mean
 * something: a request the client could build wrongly is caught and recorded. Here malformed
 * requests are built deliberately – with the client's own headers, through the same fetch – and
 * each must be recorded as exactly the violation it is.
 */

interface RawAnswer {
  status: number;
  body: unknown;
}

/** A request as the client would send it (same base URL, headers and fetch), with any body. */
async function send(
  sandbox: OmnisendSandbox,
  method: string,
  path: string,
  body: unknown,
): Promise<RawAnswer> {
  const response = await sandbox.fetch(`https://api.omnisend.com/api${path}`, {
    method,
    headers: {
      Authorization: `Omnisend-API-Key ${sandbox.apiKey}`,
      'Omnisend-Version': OMNISEND_API_VERSION,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const wellFormed: ContactRequest = {
  identifiers: [{ type: 'email', id: 'fine@example.com', sendWelcomeMessage: false }],
  firstName: 'Fine',
};

describe('the sandbox catches malformed requests built on purpose', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('records nothing for the same raw request when it is well formed', async () => {
    const answer = await send(sandbox, 'POST', '/batches', {
      endpoint: 'contacts',
      method: 'POST',
      items: [wellFormed],
    });
    expect(answer.status).toBe(201);
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });

  it('records a batch item whose identifiers are not a list, and rejects only that item', async () => {
    const answer = await send(sandbox, 'POST', '/batches', {
      endpoint: 'contacts',
      method: 'POST',
      items: [wellFormed, { identifiers: 'x', firstName: 'Odd' }],
    });
    // `items` is untyped in the batches document: the batch itself is accepted…
    expect(answer.status).toBe(201);
    const { batchID } = answer.body as { batchID: string };
    await sandbox.inspect.whenIdle();

    // …and the item is held against ContactRequest: one violation, exactly this one.
    expect(sandbox.inspect.contractViolations()).toEqual([
      {
        time: expect.any(Number),
        method: 'POST',
        path: '/api/batches',
        operation: 'POST /batches',
        source: 'batch-item',
        batchID,
        itemIndex: 1,
        errors: [{ field: 'identifiers', code: 'invalid_type', message: expect.any(String) }],
      },
    ]);
    const items = (await send(sandbox, 'GET', `/batches/${batchID}/items`, undefined)).body as {
      errors: unknown;
      responses: unknown;
    };
    expect(items).toMatchObject({ status: 'finished', totalCount: 2, errorsCount: 1 });
    expect(items.errors).toMatchObject([
      { responseCode: 400, request: { identifiers: 'x' }, response: { errors: [{ field: 'identifiers' }] } },
    ]);
    expect(items.responses).toMatchObject([{ responseCode: 200 }]);
  });

  it('refuses a tag call whose emails are a string, not a list, with 400 and records it', async () => {
    const answer = await send(sandbox, 'POST', '/contacts/tags', {
      emails: 'fine@example.com',
      tags: ['vip'],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      type: 'https://problems.omnisend.com/validation-failed',
      errors: [{ field: 'emails', code: 'invalid_type' }],
    });
    const violations = sandbox.inspect.contractViolations();
    expect(violations).toHaveLength(2);
    expect(violations[1]).toEqual({
      time: expect.any(Number),
      method: 'POST',
      path: '/api/contacts/tags',
      operation: 'POST /contacts/tags',
      source: 'request',
      errors: [{ field: 'emails', code: 'invalid_type', message: expect.any(String) }],
    });
    expect(sandbox.inspect.requestCounts()['POST /contacts/tags']).toEqual({ 400: 1 });
  });

  it('lets an undocumented top-level batch field through, as the batches document allows it', async () => {
    // CreateBatchRequest does not forbid additional properties, so this is no contract violation:
    // a misspelt optional field (`orgin`) would go unnoticed by the check.
    const answer = await send(sandbox, 'POST', '/batches', {
      endpoint: 'contacts',
      method: 'POST',
      items: [wellFormed],
      priority: 'high',
    });
    expect(answer.status).toBe(201);
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contractViolations()).toHaveLength(2);
  });

  it('recorded exactly the two violations provoked above and nothing from the client', async () => {
    const client = new OmnisendClient({ apiKey: sandbox.apiKey, fetch: sandbox.fetch });
    const { batchID } = await client.submitContactBatch([wellFormed]);
    await client.addTags(['fine@example.com'], ['checked']);
    await client.getBatchOutcome(batchID);
    await client.findContactByEmail('fine@example.com');
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contractViolations().map((v) => [v.source, v.errors[0]?.field])).toEqual([
      ['batch-item', 'identifiers'],
      ['request', 'emails'],
    ]);
  });
});
