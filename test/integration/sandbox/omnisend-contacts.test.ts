import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OmnisendSandbox,
  type SandboxContact,
  startOmnisendSandbox,
} from '../../sandbox/omnisend/index.ts';
import { call, contactItem } from './omnisend-calls.ts';

describe('the Omnisend sandbox upserts contacts like Omnisend 2026-03-15', () => {
  let sandbox: OmnisendSandbox;

  beforeAll(async () => {
    sandbox = await startOmnisendSandbox({ tagApplyDelayMs: 30 });
  });
  afterAll(() => sandbox.close());

  const upsert = (body: unknown) => call(sandbox, 'POST', '/contacts', { body });

  it('creates a contact with 201, then updates it with 200', async () => {
    const created = await upsert(contactItem('jane@example.com', { firstName: 'Jane', city: 'London' }));
    expect(created.status).toBe(201);
    const contact = created.json as SandboxContact;
    expect(contact).toMatchObject({ email: 'jane@example.com', firstName: 'Jane', city: 'London' });
    expect(contact.id).toMatch(/^[0-9a-f]{24}$/);
    const updated = await upsert(contactItem('jane@example.com', { lastName: 'Doe' }));
    expect(updated.status).toBe(200);
    expect((updated.json as SandboxContact).id).toBe(contact.id);
  });

  it('merges supplied fields and never erases absent ones', async () => {
    await upsert(contactItem('merge@example.com', { firstName: 'Ann', customProperties: { tier: 'gold' } }));
    await upsert(contactItem('merge@example.com', { lastName: 'Lee', customProperties: { points: 3 } }));
    expect(sandbox.inspect.contact('merge@example.com')).toMatchObject({
      firstName: 'Ann',
      lastName: 'Lee',
      customProperties: { tier: 'gold', points: 3 },
    });
  });

  it('stores email identifiers exactly as sent: case makes another contact', async () => {
    await upsert(contactItem('Case@Example.com'));
    await upsert(contactItem('case@example.com'));
    expect(sandbox.inspect.contact('Case@Example.com')).toBeDefined();
    expect(sandbox.inspect.contact('case@example.com')?.id).not.toBe(
      sandbox.inspect.contact('Case@Example.com')?.id,
    );
  });

  it('replaces all of a contact’s tags when an upsert carries tags', async () => {
    sandbox.seedContact({ email: 'tagged@example.com', tags: ['from-shopify', 'VIP'] });
    await upsert(contactItem('tagged@example.com', { firstName: 'T' }));
    expect(sandbox.inspect.contact('tagged@example.com')?.tags).toEqual(['from-shopify', 'VIP']);
    await upsert(contactItem('tagged@example.com', { tags: ['Segment A'] }));
    expect(sandbox.inspect.contact('tagged@example.com')?.tags).toEqual(['Segment A']);
  });

  it('makes a contact without channel status nonSubscribed', async () => {
    await upsert(contactItem('plain@example.com'));
    expect(sandbox.inspect.contact('plain@example.com')?.status).toBe('nonSubscribed');
  });

  it('keeps an unsubscribe recorded in Omnisend over an older statusChangedAt', async () => {
    sandbox.seedContact({
      email: 'gone@example.com',
      status: 'unsubscribed',
      statusChangedAt: '2026-02-01T00:00:00Z',
    });
    const stale = {
      identifiers: [
        {
          type: 'email',
          id: 'gone@example.com',
          sendWelcomeMessage: false,
          channels: { email: { status: 'subscribed', statusChangedAt: '2026-01-01T00:00:00Z' } },
        },
      ],
    };
    expect((await upsert(stale)).status).toBe(200);
    expect(sandbox.inspect.contact('gone@example.com')?.status).toBe('unsubscribed');
    const fresh = structuredClone(stale);
    const channel = fresh.identifiers[0]?.channels.email;
    if (channel) channel.statusChangedAt = '2026-03-01T00:00:00Z';
    await upsert(fresh);
    expect(sandbox.inspect.contact('gone@example.com')).toMatchObject({
      status: 'subscribed',
      statuses: [{ channel: 'email', status: 'subscribed', statusChangedAt: '2026-03-01T00:00:00.000Z' }],
    });
  });

  it('records a welcome message for a new subscribed contact unless sendWelcomeMessage is false', async () => {
    const subscribed = (email: string, sendWelcomeMessage?: boolean) => ({
      identifiers: [
        {
          type: 'email',
          id: email,
          channels: { email: { status: 'subscribed' } },
          ...(sendWelcomeMessage === undefined ? {} : { sendWelcomeMessage }),
        },
      ],
    });
    await upsert(subscribed('welcome@example.com'));
    await upsert(subscribed('quiet@example.com', false));
    await upsert(contactItem('plain-new@example.com'));
    expect(sandbox.inspect.welcomeMessages()).toMatchObject([
      { email: 'welcome@example.com', reason: 'created', via: 'POST /contacts' },
    ]);
  });

  it('answers 400 with every invalid value listed, without calling it a contract violation', async () => {
    const result = await upsert({
      identifiers: [{ type: 'email', id: 'not an email' }],
      countryCode: 'GBR',
      birthdate: '1990-13-01',
    });
    expect(result.status).toBe(400);
    expect((result.json as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual([
      'identifiers.0.id',
      'countryCode',
      'birthdate',
    ]);
    expect(sandbox.inspect.contact('not an email')).toBeUndefined();
  });

  it('finds contacts by email and by id, and answers 404 for unknown ids', async () => {
    const found = await call(sandbox, 'GET', `/contacts?email=${encodeURIComponent('jane@example.com')}`);
    const list = found.json as { contacts: SandboxContact[]; paging: { hasMore: boolean } };
    expect(list.contacts.map((contact) => contact.email)).toEqual(['jane@example.com']);
    const byId = await call(sandbox, 'GET', `/contacts/${list.contacts[0]?.id}`);
    expect(byId.json).toMatchObject({ email: 'jane@example.com', lastName: 'Doe' });
    const missing = await call(sandbox, 'GET', '/contacts/6a0000000000000000fffff0');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ type: 'https://problems.omnisend.com/not-found' });
    const none = await call(sandbox, 'GET', '/contacts?email=JANE%40example.com');
    expect((none.json as { contacts: unknown[] }).contacts).toEqual([]);
  });

  it('pages through the contact list with cursors', async () => {
    const seen: string[] = [];
    let path = '/contacts?limit=4&direction=asc';
    for (;;) {
      const page = (await call(sandbox, 'GET', path)).json as {
        contacts: SandboxContact[];
        paging: { hasMore: boolean; cursors: { after: string | null } };
      };
      seen.push(...page.contacts.map((contact) => contact.email));
      if (!page.paging.hasMore) break;
      path = `/contacts?limit=4&direction=asc&after=${page.paging.cursors.after}`;
    }
    expect(seen).toEqual(sandbox.inspect.contacts().map((contact) => contact.email));
  });

  it('adds and removes tags a moment after answering 202, skipping unknown emails', async () => {
    sandbox.seedContact({ email: 'member@example.com', tags: ['Other'] });
    const added = await call(sandbox, 'POST', '/contacts/tags', {
      body: { emails: ['member@example.com', 'nobody@example.com'], tags: ['Segment B'] },
    });
    expect(added.status).toBe(202);
    expect(added.text).toBe('');
    expect(sandbox.inspect.contact('member@example.com')?.tags).toEqual(['Other']);
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contact('member@example.com')?.tags).toEqual(['Other', 'Segment B']);
    expect(sandbox.inspect.contact('nobody@example.com')).toBeUndefined();

    const removed = await call(sandbox, 'DELETE', '/contacts/tags', {
      body: { emails: ['member@example.com'], tags: ['Segment B'] },
    });
    expect(removed.status).toBe(202);
    await sandbox.inspect.whenIdle();
    expect(sandbox.inspect.contact('member@example.com')?.tags).toEqual(['Other']);
  });

  it('saw no contract violation in all of the above', () => {
    expect(sandbox.inspect.contractViolations()).toEqual([]);
  });
});
