import { afterEach, describe, expect, it } from 'vitest';
import {
  type OmnisendSandbox,
  type SandboxContact,
  startOmnisendSandbox,
} from '../../sandbox/omnisend/index.ts';
import { call, contactItem } from './omnisend-calls.ts';

/**
 * GET /contacts paged while the brand changes (README "GET /contacts"): a listing from its cursor
 * misses no contact that stayed, wherever the page boundary falls, and keeps its order.
 */

interface Page {
  contacts: SandboxContact[];
  paging: { hasMore: boolean; cursors: { after: string | null; before: string | null } };
}

let sandbox: OmnisendSandbox;
afterEach(() => sandbox.close());

const email = (n: number) => `person${n}@example.com`;

async function page(query: string): Promise<Page> {
  const answer = await call(sandbox, 'GET', `/contacts?${query}`);
  expect(answer.status).toBe(200);
  return answer.json as Page;
}

/** Lists every page, calling `between` after each one. */
async function listAll(query: string, between: (pageNo: number) => Promise<void> | void) {
  const listed: SandboxContact[] = [];
  let after: string | null = null;
  for (let pageNo = 0; ; pageNo++) {
    const { contacts, paging } = await page(after === null ? query : `${query}&after=${after}`);
    listed.push(...contacts);
    if (!paging.hasMore) return listed;
    after = paging.cursors.after;
    await between(pageNo);
  }
}

describe('the contacts listing of the Omnisend sandbox', () => {
  it('misses nothing at a 250-page boundary while contacts listed before it are updated or deleted', async () => {
    sandbox = await startOmnisendSandbox({ tagApplyDelayMs: 0 });
    for (let n = 0; n < 1000; n++) sandbox.seedContact({ email: email(n) });
    const deleted = new Set<string>();
    let changes = 0;
    const byUpdate = await listAll('limit=250&sort=updatedAt&direction=asc', async (pageNo) => {
      changes++;
      // Contacts behind the cursor change: one is deleted, one updated (it moves to the end).
      const behind = pageNo * 250;
      sandbox.deleteContact(email(behind));
      deleted.add(email(behind));
      await call(sandbox, 'POST', '/contacts', { body: contactItem(email(behind + 1), { city: 'Ankara' }) });
    });
    const listed = new Set(byUpdate.map((c) => c.email));
    for (let n = 0; n < 1000; n++)
      if (!deleted.has(email(n))) expect(listed.has(email(n)), email(n)).toBe(true);
    // In order of update; each contact updated meanwhile is listed again, last, as it is now.
    const times = byUpdate.map((c) => Date.parse(c.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(byUpdate.at(-1)).toMatchObject({ email: email(751), city: 'Ankara' });
    // Every contact once, each updated one twice (the deleted ones were listed before they went).
    expect(changes).toBe(4);
    expect(byUpdate.length).toBe(1000 + changes);

    const byCreation = await listAll('limit=250&sort=createdAt&direction=asc', (pageNo) => {
      sandbox.deleteContact(email(pageNo * 250 + 2));
      sandbox.seedContact({ email: `late${pageNo}@example.com` });
    });
    const emails = byCreation.map((c) => c.email);
    expect(new Set(emails).size).toBe(emails.length);
    // Those deleted behind the cursor were listed before they went; every other one, once, in order.
    const now = sandbox.inspect.contacts().map((c) => c.email);
    expect(emails.filter((e) => now.includes(e))).toEqual(now);
    expect(emails).toHaveLength(now.length + 3);
  });

  it('starts an updatedAtFrom listing at that time, and pages back with before', async () => {
    sandbox = await startOmnisendSandbox({ tagApplyDelayMs: 0 });
    for (let n = 0; n < 30; n++) sandbox.seedContact({ email: email(n) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const from = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const n of [3, 7, 20]) await call(sandbox, 'POST', '/contacts', { body: contactItem(email(n)) });
    const changed = await listAll(
      `limit=2&sort=updatedAt&direction=asc&updatedAtFrom=${from}`,
      () => undefined,
    );
    expect(changed.map((c) => c.email)).toEqual([email(3), email(7), email(20)]);

    const first = await page('limit=10&direction=desc');
    const second = await page(`limit=10&direction=desc&after=${first.paging.cursors.after}`);
    const back = await page(`limit=10&direction=desc&before=${second.paging.cursors.before}`);
    expect(back.contacts.map((c) => c.email)).toEqual(first.contacts.map((c) => c.email));
    // A cursor names a place in one order only.
    const other = await call(
      sandbox,
      'GET',
      `/contacts?limit=10&direction=asc&after=${first.paging.cursors.after}`,
    );
    expect(other.status).toBe(400);
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});
