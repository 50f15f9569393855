import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.ts';
import { omnisendRateLimits, RateBudget } from '../../../src/core/rate-budget.ts';
import { BudgetedOmnisendClient } from '../../../src/omnisend/budgeted-client.ts';
import { OmnisendClient } from '../../../src/omnisend/client.ts';
import {
  InvalidApiKeyError,
  MissingPermissionError,
  NetworkError,
  OmnisendError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  VersionRetiredError,
} from '../../../src/omnisend/errors.ts';
import type { ContactRequest } from '../../../src/omnisend/schemas.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';

/**
 * Every operation of the Omnisend client against the sandbox, over HTTPS with Omnisend's
 * headers, bodies and problem answers: what each returns, and the typed error each failure
 * becomes (with Omnisend's request id). Every test ends with no contract violation recorded.
 */

const REQUEST_ID = /^urn:omnisend:request:[0-9a-f-]{36}$/;
/** How long a tag change takes to show in the sandbox: long enough to see it is not immediate. */
const TAG_APPLY_DELAY_MS = 150;

function contact(email: string, fields: Partial<ContactRequest> = {}): ContactRequest {
  return {
    identifiers: [
      {
        type: 'email',
        id: email,
        sendWelcomeMessage: false,
        channels: { email: { status: 'nonSubscribed' } },
      },
    ],
    ...fields,
  };
}

/** The typed error a call rejected with (fails the test if it resolved). */
async function failureOf(call: Promise<unknown>): Promise<OmnisendError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof OmnisendError))
    throw new Error(`expected an OmnisendError, got ${String(outcome)}`);
  return outcome;
}

describe('the Omnisend client against the sandbox', () => {
  let sandbox: OmnisendSandbox;
  let client: OmnisendClient;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox({ tagApplyDelayMs: TAG_APPLY_DELAY_MS });
    client = new OmnisendClient({ apiKey: sandbox.apiKey, fetch: sandbox.fetch });
  });
  afterEach(async () => {
    sandbox.faults.reset();
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** Polls GET /batches/{id}/items until the batch settled; what became of each contact. */
  async function settledBatch(batchID: string) {
    for (;;) {
      const batch = await client.getBatchOutcome(batchID);
      if (batch.settled) return batch.outcomeOf;
      await systemClock.sleep(5);
    }
  }

  describe('reading the brand', () => {
    it('returns the brand the key belongs to', async () => {
      const brand = await client.getBrand();
      expect(brand).toMatchObject({ brandID: sandbox.brandId, name: 'Sandbox Store', currency: 'EUR' });
      expect(sandbox.inspect.requestCounts()['GET /brands/current']).toMatchObject({ 200: 1 });
    });

    it('rejects an unknown key with InvalidApiKeyError carrying the request id', async () => {
      const stranger = new OmnisendClient({ apiKey: 'not-a-real-key', fetch: sandbox.fetch });
      const error = await failureOf(stranger.getBrand());
      expect(error).toBeInstanceOf(InvalidApiKeyError);
      expect(error).toMatchObject({ status: 401, retryable: false, code: 'omnisend.invalid-api-key' });
      expect(error.requestId).toMatch(REQUEST_ID);
      expect(error.message).not.toContain('not-a-real-key');
    });

    it('rejects a key without brands.read with MissingPermissionError naming that scope', async () => {
      const key = sandbox.addKey({ scopes: ['contacts.read', 'contacts.write'] });
      const limited = new OmnisendClient({ apiKey: key.key, fetch: sandbox.fetch });
      const error = await failureOf(limited.getBrand());
      expect(error).toBeInstanceOf(MissingPermissionError);
      expect(error).toMatchObject({ status: 403, scope: 'brands.read', retryable: false });
      expect(error.message).toContain('brands.read');
      expect(error.requestId).toMatch(REQUEST_ID);
    });

    it('rejects a contact batch from a read-only key naming contacts.write', async () => {
      const key = sandbox.addKey({ scopes: ['brands.read', 'contacts.read'] });
      const readOnly = new OmnisendClient({ apiKey: key.key, fetch: sandbox.fetch });
      const error = await failureOf(readOnly.submitContactBatch([contact('nobody@example.com')]));
      expect(error).toBeInstanceOf(MissingPermissionError);
      expect(error).toMatchObject({ status: 403, scope: 'contacts.write' });
      expect(sandbox.inspect.contact('nobody@example.com')).toBeUndefined();
    });
  });

  describe('contact batches', () => {
    it('upserts a batch and reports an invalid email as a rejected item while the rest succeed', async () => {
      sandbox.seedContact({ email: 'known@example.com', firstName: 'Known' });
      const items = [
        contact('fresh@example.com', { firstName: 'Fresh' }),
        contact('broken@@example', { firstName: 'Broken' }),
        contact('known@example.com', { lastName: 'Person' }),
      ];

      const created = await client.submitContactBatch(items);
      expect(created).toEqual({ batchID: expect.stringMatching(/^[0-9a-f]{24}$/), totalCount: 3 });
      const outcomeOf = await settledBatch(created.batchID);
      expect(outcomeOf('fresh@example.com')).toEqual({ ok: true, created: true, tags: [] });
      expect(outcomeOf('known@example.com')).toEqual({ ok: true, created: false, tags: [] });
      expect(outcomeOf('broken@@example')).toMatchObject({
        ok: false,
        field: 'identifiers.0.id',
        responseCode: 400,
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(sandbox.inspect.contact('fresh@example.com')).toMatchObject({ firstName: 'Fresh' });
      expect(sandbox.inspect.contact('known@example.com')).toMatchObject({
        firstName: 'Known',
        lastName: 'Person',
      });
      expect(sandbox.inspect.contact('broken@@example')).toBeUndefined();
      expect(sandbox.inspect.welcomeMessages()).toEqual([]);
    });

    it('settles a batch Omnisend does not know (404) with none of its contacts reached', async () => {
      const outcome = await client.getBatchOutcome('6b00000000000000000000ff');
      expect(outcome.settled && outcome.outcomeOf('anyone@example.com')).toEqual({
        ok: false,
        message: 'Omnisend stopped the batch before this contact.',
      });
      expect(sandbox.inspect.requestCounts()['GET /batches/{batchID}/items']).toMatchObject({ 404: 1 });
    });
  });

  describe('tags', () => {
    it('adds tags a moment after the 202, ignoring unknown emails, and removes them again', async () => {
      sandbox.seedContact({ email: 'tag-a@example.com', tags: ['existing'] });
      sandbox.seedContact({ email: 'tag-b@example.com' });

      await client.addTags(['tag-a@example.com', 'tag-b@example.com', 'ghost@example.com'], ['vip', 'seg_1']);
      expect(sandbox.inspect.requestCounts()['POST /contacts/tags']).toEqual({ 202: 1 });
      // Accepted, not yet applied.
      expect(sandbox.inspect.contact('tag-a@example.com')?.tags).toEqual(['existing']);
      await sandbox.inspect.whenIdle();
      expect(sandbox.inspect.contact('tag-a@example.com')?.tags.toSorted()).toEqual([
        'existing',
        'seg_1',
        'vip',
      ]);
      expect(sandbox.inspect.contact('tag-b@example.com')?.tags.toSorted()).toEqual(['seg_1', 'vip']);
      expect(sandbox.inspect.contact('ghost@example.com')).toBeUndefined();

      await client.removeTags(['tag-a@example.com', 'tag-b@example.com', 'ghost@example.com'], ['vip']);
      expect(sandbox.inspect.requestCounts()['DELETE /contacts/tags']).toEqual({ 202: 1 });
      expect(sandbox.inspect.contact('tag-b@example.com')?.tags.toSorted()).toEqual(['seg_1', 'vip']);
      await sandbox.inspect.whenIdle();
      expect(sandbox.inspect.contact('tag-a@example.com')?.tags.toSorted()).toEqual(['existing', 'seg_1']);
      expect(sandbox.inspect.contact('tag-b@example.com')?.tags).toEqual(['seg_1']);
      expect(sandbox.inspect.contact('ghost@example.com')).toBeUndefined();
    });
  });

  describe('looking a contact up by email', () => {
    it('finds a contact with its fields and tags, and returns null for an email Omnisend lacks', async () => {
      sandbox.seedContact({ email: 'lookup@example.com', firstName: 'Look', tags: ['t1'] });
      const found = await client.findContactByEmail('lookup@example.com');
      expect(found).toMatchObject({ email: 'lookup@example.com', firstName: 'Look', tags: ['t1'] });
      expect(found?.id).toBe(sandbox.inspect.contact('lookup@example.com')?.id);
      expect(await client.findContactByEmail('absent@example.com')).toBeNull();
      // Identifiers are case-sensitive in Omnisend.
      expect(await client.findContactByEmail('LOOKUP@example.com')).toBeNull();
    });
  });

  describe('failures on the way', () => {
    it('gives up after timeoutMs with TimeoutError when Omnisend answers too slowly', async () => {
      const impatient = new OmnisendClient({ apiKey: sandbox.apiKey, fetch: sandbox.fetch, timeoutMs: 100 });
      sandbox.faults.latency(400);
      const started = Date.now();
      const error = await failureOf(impatient.getBrand());
      const waited = Date.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      expect(waited).toBeGreaterThanOrEqual(95);
      expect(waited).toBeLessThan(400);
      // The sandbox still answers the abandoned request; let it, before the next test.
      await sandbox.inspect.whenIdle();
    });

    it('reports a dropped connection as NetworkError', async () => {
      sandbox.faults.dropConnections(1);
      const error = await failureOf(client.findContactByEmail('anyone@example.com'));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ kind: 'network', retryable: true, status: undefined });
      // Dropped before the sandbox even matched the operation: logged by path, status 0.
      expect(sandbox.inspect.requestCounts()['GET /api/contacts']).toEqual({ 0: 1 });
    });

    it('reports a 500 problem and a 502 gateway page alike as ServerError', async () => {
      sandbox.faults.serverErrorRate(1);
      const statuses = new Set<number | undefined>();
      for (let attempt = 0; attempt < 12; attempt++) {
        const error = await failureOf(client.getBrand());
        expect(error).toBeInstanceOf(ServerError);
        expect(error).toMatchObject({ kind: 'server', retryable: true });
        statuses.add(error.status);
      }
      expect([...statuses].sort()).toEqual([500, 502, 503]);
    });

    it('reports a 429 as RateLimitedError with the retryAfter Omnisend sent', async () => {
      sandbox.faults.rateLimitStorm(1, 3);
      const error = await failureOf(client.getBrand());
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 3000, kind: 'rate-limited' });
      expect(error.requestId).toMatch(REQUEST_ID);
      expect(await client.getBrand()).toMatchObject({ brandID: sandbox.brandId });
    });

    it('stops with InvalidApiKeyError, without retrying, when the key is revoked mid-way', async () => {
      const key = sandbox.addKey();
      const budgeted = new BudgetedOmnisendClient({
        client: new OmnisendClient({ apiKey: key.key, fetch: sandbox.fetch }),
        budget: new RateBudget({ clock: systemClock, limits: omnisendRateLimits(1000) }),
        clock: systemClock,
      });
      sandbox.faults.revokeKeyAfter(2, key.key);
      const outcomes: string[] = [];
      for (let index = 0; index < 4; index++) {
        try {
          await budgeted.submitContactBatch([contact(`revoked-${index}@example.com`)]);
          outcomes.push('accepted');
        } catch (error) {
          outcomes.push(error instanceof OmnisendError ? error.constructor.name : 'other');
        }
      }
      expect(outcomes).toEqual(['accepted', 'accepted', 'InvalidApiKeyError', 'InvalidApiKeyError']);
      expect(budgeted.stats).toMatchObject({ requests: 4, retries: 0 });
      expect(budgeted.lastErrorRequestId).toMatch(REQUEST_ID);
      // The default key of the brand still works.
      expect(await client.getBrand()).toMatchObject({ brandID: sandbox.brandId });
      await sandbox.inspect.whenIdle();
      expect(sandbox.inspect.contact('revoked-1@example.com')).toBeDefined();
      expect(sandbox.inspect.contact('revoked-2@example.com')).toBeUndefined();
    });
  });
});

describe('the Omnisend client once Omnisend retired its API version', () => {
  it('fails with VersionRetiredError, which is not retried', async () => {
    // The client's version header is fixed (2026-03-15); the sandbox retires that version instead.
    const sandbox = await startOmnisendSandbox({ retiredVersions: ['2026-03-15'] });
    try {
      const client = new OmnisendClient({ apiKey: sandbox.apiKey, fetch: sandbox.fetch });
      const error = await failureOf(client.getBrand());
      expect(error).toBeInstanceOf(VersionRetiredError);
      expect(error).toMatchObject({ status: 410, retryable: false, code: 'omnisend.version-retired' });
      expect(error.requestId).toMatch(REQUEST_ID);
      expect(sandbox.inspect.requestCounts()['GET /brands/current']).toEqual({ 410: 1 });
      expect(sandbox.inspect.contractViolations()).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
