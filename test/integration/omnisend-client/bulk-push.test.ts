import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import { startOmnisendSandbox } from '../../sandbox/omnisend/index.ts';
import {
  budgetedClientFor,
  contactEmail,
  exportContact,
  type PushOptions,
  pushAndTag,
} from './push-and-tag.ts';

/**
 * Issue 3's done-when: 10,000 contacts in 100-item batches, tagged 250 emails per call, against
 * the sandbox with Omnisend's real limits scaled ×60 (400 and 60 requests per second instead of
 * per minute), upsert and tag lanes at once – with no 429 and no contract violation; and the same
 * push through a 429 storm, 10 % server errors and dropped connections, slower but losing nothing.
 */

const CONTACTS = 10_000;
const TIME_SCALE = 60;
const WINDOW_MS = 60_000 / TIME_SCALE;
/** Three source segments, one tag each: 3 × 40 tag calls, more than two windows of the tag budget. */
const TAGS = ['seg_vip_2026', 'seg_newsletter', 'seg_recent_buyers'];
/**
 * One request in flight per lane, as the engine's run driver works (the tag lane polls batches and
 * sends tag calls in turn). More tag calls in flight make the budget's grants bursty, and bursts
 * replayed one window later can land 61 calls in the sandbox's window (see the report of issue 3).
 */
const LANES: PushOptions = { submitters: 1, pollIntervalMs: 5, tagCallsInFlight: 1 };

const contacts = Array.from({ length: CONTACTS }, (_, index) => exportContact(index));

describe('the budgeted client pushes 10,000 contacts and tags them within the scaled limits', () => {
  let sandbox: OmnisendSandbox;

  beforeEach(async () => {
    sandbox = await startOmnisendSandbox({ timeScale: TIME_SCALE });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  /** Every contact is there once, with exactly the three tags and the fields it was sent with. */
  function expectEveryContactTagged(): void {
    const stored = sandbox.inspect.contacts();
    expect(stored).toHaveLength(CONTACTS);
    const byEmail = new Map(stored.map((contact) => [contact.email, contact]));
    const wrong: string[] = [];
    for (let index = 0; index < CONTACTS; index++) {
      const contact = byEmail.get(contactEmail(index));
      const ok =
        contact !== undefined &&
        contact.firstName === `First${index}` &&
        contact.customProperties.sourceRank === index &&
        contact.status === 'nonSubscribed' &&
        [...contact.tags].sort().join() === [...TAGS].sort().join();
      if (!ok) wrong.push(contactEmail(index));
    }
    expect(wrong).toEqual([]);
    expect(sandbox.inspect.welcomeMessages()).toEqual([]);
  }

  it('ends with every contact present and tagged, without a single 429 or contract violation', async () => {
    const { client } = budgetedClientFor(sandbox, WINDOW_MS);

    const report = await pushAndTag(client, contacts, TAGS, LANES);
    await sandbox.inspect.whenIdle();

    expect(report).toMatchObject({ batchesSubmitted: 100, tagCalls: 120, taggedEmails: CONTACTS });
    expect(report.rejectedEmails).toEqual([]);
    expectEveryContactTagged();
    expect(sandbox.inspect.count429()).toBe(0);
    expect(client.stats).toMatchObject({ rateLimited: 0, retries: 0 });
    expect(client.stats.requestsByClass).toEqual({ default: 100 + report.batchPolls, tags: 120 });
    const counts = sandbox.inspect.requestCounts();
    expect(counts['POST /batches']).toEqual({ 201: 100 });
    expect(counts['POST /contacts/tags']).toEqual({ 202: 120 });
    // The tag lane was paced by its budget (58 of 60 per window): 120 calls need two more windows.
    expect(report.tagLaneMs).toBeGreaterThanOrEqual(2 * WINDOW_MS - 50);
    expect(sandbox.inspect.maxRequestsInAnyWindow('tags')).toBeLessThanOrEqual(60);
    expect(sandbox.inspect.maxRequestsInAnyWindow('default')).toBeLessThanOrEqual(400);
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });

  it('loses nothing to a 429 storm, 10 % server errors and dropped connections, only time', async () => {
    const STORM = 6;
    const { client } = budgetedClientFor(sandbox, WINDOW_MS, { baseDelayMs: 10, maxDelayMs: 500 });
    // Server errors after the request took effect: the retried batch or tag call happens twice.
    sandbox.faults.serverErrorRate(0.1, { afterEffect: true });
    sandbox.faults.dropConnections(0.01);

    const report = await pushAndTag(client, contacts, TAGS, {
      ...LANES,
      // Mid-way, while both lanes are busy.
      afterBatchSubmitted: (index) => {
        if (index === 50) sandbox.faults.rateLimitStorm(STORM);
      },
    });
    sandbox.faults.reset();
    await sandbox.inspect.whenIdle();

    expect(report).toMatchObject({ batchesSubmitted: 100, tagCalls: 120, taggedEmails: CONTACTS });
    expect(report.rejectedEmails).toEqual([]);
    expectEveryContactTagged();
    // The storm's 429s and not one more: after it the budget kept the client under the limits.
    expect(sandbox.inspect.count429()).toBe(STORM);
    expect(client.stats.rateLimited).toBe(STORM);
    const statuses = Object.values(sandbox.inspect.requestCounts()).flatMap((byStatus) =>
      Object.entries(byStatus).map(([status, count]) => ({ status: Number(status), count })),
    );
    const total = (match: (status: number) => boolean) =>
      statuses.filter(({ status }) => match(status)).reduce((sum, { count }) => sum + count, 0);
    const serverErrors = total((status) => status >= 500);
    const dropped = total((status) => status === 0);
    expect(serverErrors).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(client.stats.retries).toBe(STORM + serverErrors + dropped);
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});
