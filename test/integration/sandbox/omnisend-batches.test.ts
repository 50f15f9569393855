import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { type BatchView, call, contactItem, runContactBatch } from './omnisend-calls.ts';

describe('the Omnisend sandbox processes contact batches asynchronously', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    // Each state lasts long enough for a loaded machine's polls to see it.
    sandbox = await startOmnisendSandbox({ batchProcessingDelayMs: 500 });
  });
  afterAll(() => sandbox.close());

  const status = async (batchID: string) =>
    ((await call(sandbox, 'GET', `/batches/${batchID}`)).json as { status: string }).status;

  it('answers 201 with the batch id, then goes pending, inProgress and finished', async () => {
    const items = [contactItem('b1@example.com'), contactItem('b2@example.com')];
    const created = await call(sandbox, 'POST', '/batches', {
      body: { endpoint: 'contacts', method: 'POST', origin: 'api', items },
    });
    expect(created.status).toBe(201);
    const { batchID, totalCount } = created.json as { batchID: string; totalCount: number };
    expect(totalCount).toBe(2);
    expect(sandbox.inspect.contact('b1@example.com')).toBeUndefined();
    const seen: string[] = [];
    while (seen.at(-1) !== 'finished') {
      const current = await status(batchID);
      if (seen.at(-1) !== current) seen.push(current);
      // Polls spaced well inside the state's 500 ms and the sandbox's 400 requests a minute.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toEqual(['pending', 'inProgress', 'finished']);
    const finished = (await call(sandbox, 'GET', `/batches/${batchID}`)).json;
    expect(finished).toMatchObject({
      batchID,
      status: 'finished',
      endpoint: 'contacts',
      method: 'POST',
      totalCount: 2,
      finishedCount: 2,
      errorsCount: 0,
    });
    expect(finished).not.toHaveProperty('responses');
    expect(sandbox.inspect.contact('b2@example.com')).toBeDefined();
  });

  it('rejects an item with an invalid email alone and upserts the rest', async () => {
    sandbox.seedContact({ email: 'known@example.com', firstName: 'Known' });
    const batch = await runContactBatch(sandbox, [
      contactItem('new@example.com', { firstName: 'New' }),
      contactItem('broken@@example', { firstName: 'Broken' }),
      contactItem('known@example.com', { lastName: 'Person' }),
    ]);
    expect(batch).toMatchObject({ status: 'finished', totalCount: 3, finishedCount: 3, errorsCount: 1 });
    expect(batch.responses.map((item) => [item.responseCode, item.response.email])).toEqual([
      [201, 'new@example.com'],
      [200, 'known@example.com'],
    ]);
    expect(batch.errors).toHaveLength(1);
    expect(batch.errors[0]).toMatchObject({
      status: 'finished',
      responseCode: 400,
      request: contactItem('broken@@example', { firstName: 'Broken' }),
      response: {
        type: 'https://problems.omnisend.com/validation-failed',
        status: 400,
        errors: [{ field: 'identifiers.0.id', code: 'invalid_format' }],
      },
    });
    expect(sandbox.inspect.contact('known@example.com')).toMatchObject({
      firstName: 'Known',
      lastName: 'Person',
    });
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });

  it('rejects items with a phone, country code or birthdate Omnisend does not accept', async () => {
    const batch = await runContactBatch(sandbox, [
      {
        identifiers: [
          { type: 'email', id: 'p@example.com' },
          { type: 'phone', id: '0612345678' },
        ],
      },
      contactItem('c@example.com', { countryCode: 'LTU' }),
      contactItem('d@example.com', { birthdate: '02/05/1990' }),
    ]);
    expect(batch.errors.map((item) => item.response.errors?.[0]?.field)).toEqual([
      'identifiers.1.id',
      'countryCode',
      'birthdate',
    ]);
  });

  it('lists batches by status with offset paging', async () => {
    const finished = await call(sandbox, 'GET', '/batches?endpoint=contacts&status=finished&limit=2');
    const body = finished.json as { batches: { status: string }[]; paging: { next?: string; limit: number } };
    expect(body.batches).toHaveLength(2);
    expect(body.batches.every((batch) => batch.status === 'finished')).toBe(true);
    expect(body.paging.next).toBe(
      'https://api.omnisend.com/api/batches?endpoint=contacts&status=finished&limit=2&offset=2',
    );
    const pending = await call(sandbox, 'GET', '/batches?endpoint=contacts&status=pending');
    expect((pending.json as { batches: unknown[] }).batches).toEqual([]);
  });

  it('lists the newest batch first, each with its items as /items answers them (a guess, README)', async () => {
    const listed = await call(sandbox, 'GET', '/batches?endpoint=contacts&limit=250');
    const { batches } = listed.json as { batches: (BatchView & { createdAt: string })[] };
    const created = batches.map((batch) => Date.parse(batch.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const newest = batches[0]!;
    const items = (await call(sandbox, 'GET', `/batches/${newest.batchID}/items`)).json as BatchView;
    expect(newest.responses).toEqual(items.responses);
    expect(newest.errors).toEqual(items.errors);
    expect(newest.responses.length + newest.errors.length).toBe(newest.totalCount);
  });

  it('answers 404 for a batch it does not know', async () => {
    const missing = await call(sandbox, 'GET', '/batches/6b00000000000000000000ff/items');
    expect(missing.status).toBe(404);
  });

  it('saw no contract violation so far', () => {
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });

  it('rejects an item that breaks the ContactRequest schema and records it as a contract violation', async () => {
    const batch: BatchView = await runContactBatch(sandbox, [
      contactItem('fine@example.com'),
      contactItem('odd@example.com', { gender: 'x' }),
    ]);
    expect(batch.errorsCount).toBe(1);
    expect(batch.errors[0]?.response.errors).toEqual([
      { field: 'gender', code: 'invalid_value', message: 'must be one of m, f' },
    ]);
    expect(sandbox.inspect.contractViolations()).toMatchObject([
      {
        source: 'batch-item',
        operation: 'POST /batches',
        batchID: batch.batchID,
        itemIndex: 1,
        errors: [{ field: 'gender' }],
      },
    ]);
  });
});
