import { describe, expect, test } from 'vitest';
import {
  type Gate,
  HandledError,
  type Handlers,
  route,
  storageUnavailable,
} from '../../../src/background/router.ts';
import { classifySender } from '../../../src/background/sender.ts';
import { MessageError } from '../../../src/messaging/message-error.ts';
import { messageTypes } from '../../../src/messaging/protocol.ts';
import { send } from '../../../src/messaging/send.ts';

const status = {
  version: '1.0.0',
  role: 'administrator' as const,
  passphraseSet: false,
  counts: { connections: 0, exports: 0, runs: 0 },
};
const page = {
  page: { guids: ['0b7c0d43-4c1e-4f4e-9a53-2b1a4d1e6f10'], address: ['segments', 'VIP'], text: ['VIP'] },
};

const notUsed = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = Object.fromEntries(messageTypes.map((type) => [type, notUsed])) as unknown as Handlers;
  return {
    ...unused,
    status: async () => status,
    'tab.context': async () => ({ page: null }),
    'page.report': async () => ({ accepted: true }),
    'passphrase.set': async () => ({ accepted: true }),
    ...overrides,
  };
}

/** A gate for `role`, where the objects whose id starts with "admin" are administrators' only. */
function gateAs(role: 'administrator' | 'contributor') {
  const gate = {
    touched: 0,
    role: async () => role,
    audienceOf: async (ref) => (ref.id?.startsWith('admin') ? 'administrators' : 'everyone'),
    administratorActive: async () => {
      gate.touched++;
    },
  } satisfies Gate & { touched: number };
  return gate;
}
const admin = gateAs('administrator');

/** The worker's readiness gate, already passed. */
const routing = (handlers: Handlers, gate: Gate) => async () => ({ handlers, gate });

describe('classifySender', () => {
  const id = 'abcdefghijklmnop';
  const origin = `chrome-extension://${id}`;

  test.each([
    [{ id, url: `${origin}/options.html#exports` }, 'page'],
    [{ id, url: `${origin}/popup.html` }, 'page'],
    [{ id, url: 'https://home.ci.ai.dynamics.com/app/123', frameId: 0, tab: { id: 4 } }, 'content'],
    // Only the top frame of a tab speaks for the page the user looks at.
    [{ id, url: 'https://home.ci.ai.dynamics.com/app/123', frameId: 3, tab: { id: 4 } }, 'foreign'],
    [{ id, url: 'https://home.ci.ai.dynamics.com/app/123', frameId: 0 }, 'foreign'],
    [{ id, url: 'https://home.ci.ai.dynamics.com.evil.example/app' }, 'foreign'],
    [{ id, url: 'http://home.ci.ai.dynamics.com/app' }, 'foreign'],
    [{ id: 'other-extension', url: `${origin}/options.html` }, 'foreign'],
    [{ id, url: 'https://example.com/' }, 'foreign'],
    [{ id }, 'foreign'],
    [{ id, url: 'not a url' }, 'foreign'],
  ])('%o is %s', (sender, kind) => {
    expect(classifySender(sender, id, origin)).toBe(kind);
  });
});

describe('route', () => {
  const context = { tabId: 7 };

  test('answers a valid message from an allowed sender', async () => {
    expect(await route({ type: 'status', payload: {} }, 'page', context, routing(handlers(), admin))).toEqual(
      {
        ok: true,
        data: status,
      },
    );
  });

  test('refuses messages that are not part of the protocol', async () => {
    for (const raw of [null, 'status', { type: 'nope', payload: {} }, { payload: {} }]) {
      expect(await route(raw, 'page', context, routing(handlers(), admin))).toMatchObject({
        ok: false,
        error: { code: 'unknown-message' },
      });
    }
  });

  test('refuses a message type the sender may not send', async () => {
    expect(
      await route({ type: 'status', payload: {} }, 'content', context, routing(handlers(), admin)),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await route({ type: 'page.report', payload: page }, 'page', context, routing(handlers(), admin)),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await route({ type: 'status', payload: {} }, 'foreign', context, routing(handlers(), admin)),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  test('refuses malformed payloads, including profile data, whole addresses and unbounded clues', async () => {
    const report = (payload: unknown) =>
      route({ type: 'page.report', payload }, 'content', context, routing(handlers(), admin));
    expect(await report({ page: { ...page.page, profile: { email: 'a@b.c' } } })).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(await report({ ...page, url: 'https://home.ci.ai.dynamics.com/app/x?q=1' })).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(await report({ page: { ...page.page, text: ['x'.repeat(129)] } })).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(
      await report({ page: { ...page.page, address: Array.from({ length: 41 }, String) } }),
    ).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(await report({ page: { ...page.page, guids: ['not-a-guid'] } })).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(await report({ page: { ...page.page, guids: [] } })).toMatchObject({
      error: { code: 'invalid-request' },
    });
    expect(await report(page)).toEqual({ ok: true, data: { accepted: true } });
  });

  test('passes handled errors through as data and hides unexpected ones', async () => {
    const failing = handlers({
      status: async () => {
        throw new HandledError({ code: 'locked', message: 'Unlock first.', retryable: false });
      },
      'tab.context': async () => {
        throw new Error('secret detail: key=abc');
      },
    });
    expect(await route({ type: 'status', payload: {} }, 'page', context, routing(failing, admin))).toEqual({
      ok: false,
      error: { code: 'locked', message: 'Unlock first.', retryable: false },
    });
    const hidden = await route(
      { type: 'tab.context', payload: { tabId: 1 } },
      'page',
      context,
      routing(failing, admin),
    );
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('abc');
  });
});

describe('the readiness gate', () => {
  test('is awaited once per message, after the message proved valid', async () => {
    let waited = 0;
    const ready = async () => {
      waited++;
      return { handlers: handlers(), gate: admin };
    };
    await route({ type: 'status', payload: {} }, 'page', { tabId: undefined }, ready);
    await route({ type: 'nope', payload: {} }, 'page', { tabId: undefined }, ready);
    expect(waited).toBe(1);
  });

  test('that failed turns every message into a storage-unavailable reply', async () => {
    const broken = async (): Promise<never> => {
      throw new DOMException('The database is gone.', 'UnknownError');
    };
    expect(await route({ type: 'status', payload: {} }, 'page', { tabId: undefined }, broken)).toEqual({
      ok: false,
      error: storageUnavailable,
    });
  });
});

describe('administrator messages', () => {
  test('are refused while the extension runs as contributor, whatever the page shows', async () => {
    const contributor = gateAs('contributor');
    const raw = { type: 'passphrase.set', payload: { passphrase: 'a new passphrase' } };
    expect(await route(raw, 'page', { tabId: undefined }, routing(handlers(), contributor))).toMatchObject({
      ok: false,
      error: { code: 'administrator-only' },
    });
  });

  test('go through for an administrator and keep the unlocked session alive', async () => {
    const gate = gateAs('administrator');
    const raw = { type: 'passphrase.set', payload: { passphrase: 'a new passphrase' } };
    expect(await route(raw, 'page', { tabId: undefined }, routing(handlers(), gate))).toEqual({
      ok: true,
      data: { accepted: true },
    });
    expect(gate.touched).toBe(1);
  });

  test('that name an administrator-only object are refused to a contributor, and the shared ones go through', async () => {
    const contributor = gateAs('contributor');
    const run = (id: string) =>
      route(
        { type: 'exports.run', payload: { id } },
        'page',
        { tabId: undefined },
        routing(handlers({ 'exports.run': async () => ({ runId: 'r1' }) }), contributor),
      );
    expect(await run('admin-export')).toMatchObject({ ok: false, error: { code: 'administrator-only' } });
    expect(await run('shared-export')).toEqual({ ok: true, data: { runId: 'r1' } });
    expect(contributor.touched).toBe(0);
  });

  test('that name an administrator-only object keep an administrator’s session alive', async () => {
    const gate = gateAs('administrator');
    const cancel = (id: string) =>
      route(
        { type: 'runs.cancel', payload: { id } },
        'page',
        { tabId: undefined },
        routing(handlers({ 'runs.cancel': async () => ({ accepted: true }) }), gate),
      );
    expect(await cancel('shared-run')).toMatchObject({ ok: true });
    expect(gate.touched).toBe(0);
    expect(await cancel('admin-run')).toMatchObject({ ok: true });
    expect(gate.touched).toBe(1);
  });

  test('are refused from the content script even for an administrator', async () => {
    const raw = { type: 'connections.check', payload: { apiKey: 'abcdefghijkl' } };
    expect(await route(raw, 'content', { tabId: 3 }, routing(handlers(), admin))).toMatchObject({
      error: { code: 'forbidden' },
    });
  });
});

describe('send', () => {
  test('returns the validated answer', async () => {
    expect(await send(async () => ({ ok: true, data: status }), 'status', {})).toEqual(status);
  });

  test('turns an error reply back into a typed error', async () => {
    const reply = { ok: false, error: { code: 'forbidden', message: 'No.', retryable: false } };
    const error = await send(async () => reply, 'status', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'No.', retryable: false });
  });

  test('rejects answers that do not match the protocol', async () => {
    await expect(send(async () => undefined, 'status', {})).rejects.toMatchObject({ code: 'bad-reply' });
    await expect(send(async () => ({ ok: true, data: { version: 1 } }), 'status', {})).rejects.toMatchObject({
      code: 'bad-reply',
    });
  });
});
