import { readFileSync } from 'node:fs';
import type { MessageSender, Worker } from '../../src/background/create-worker.ts';
import type { Platform } from '../../src/background/platform.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { MessageType, RequestOf, ResponseOf } from '../../src/messaging/protocol.ts';
import { send } from '../../src/messaging/send.ts';
import { openDatabase } from '../../src/storage/open-database.ts';
import { memorySession } from './memory-session.ts';

export const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
const origin = `chrome-extension://${EXTENSION_ID}`;

/** The options page, as `runtime.onMessage` describes its sender. */
export const pageSender: MessageSender = { id: EXTENSION_ID, url: `${origin}/options.html` };

/** The content script on a Customer Insights page, in the top frame of tab `tabId`. */
export const contentSender = (tabId: number): MessageSender => ({
  id: EXTENSION_ID,
  url: 'https://home.ci.ai.dynamics.com/customerinsights/segments',
  frameId: 0,
  tab: { id: tabId },
});

const english = JSON.parse(
  readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** `i18n.getMessage` over the English catalogue, placeholders and `$1`… substitutions included. */
export function englishMessage(key: string, substitutions: string[] = []): string {
  const entry = english[key];
  if (!entry) return '';
  const named = entry.message.replace(
    /\$([A-Za-z_]+)\$/g,
    (_, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? '',
  );
  return named.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? '');
}

export interface FakePlatform extends Platform {
  /** Alarms as armed now: name → when. */
  armed: Map<string, number>;
  /** Every badge text set, in order. */
  badges: string[];
  /** Every notification created. */
  notified: { id: string; title: string; message: string }[];
}

/**
 * The browser as `createWorker` sees it, for Node: the global IndexedDB factory (give each test
 * its own), `storage.session` in memory, alarms, badge and notifications that only record, English
 * strings, and no network or sign-in window unless a test hands them in.
 */
export function fakePlatform(overrides: Partial<Platform> = {}): FakePlatform {
  const armed = new Map<string, number>();
  const badges: string[] = [];
  const notified: FakePlatform['notified'] = [];
  return {
    openDatabase,
    session: memorySession(),
    fetch: async (input) => {
      throw new Error(`No network in this test (${String(input)}).`);
    },
    // Every origin granted, unless a test takes access away.
    originAllowed: async () => true,
    alarms: {
      set: (name, when) => void armed.set(name, when),
      clear: (name) => void armed.delete(name),
    },
    identity: {
      redirectUrl: () => `https://${EXTENSION_ID}.chromiumapp.org/`,
      launchWebAuthFlow: async () => {
        throw new Error('No sign-in window in this test.');
      },
    },
    action: {
      setBadgeText: async ({ text }) => {
        badges.push(text ?? '');
      },
      setBadgeBackgroundColor: async () => undefined,
    },
    notifications: {
      create: async (id, options) => {
        notified.push({ id, title: options.title, message: options.message });
        return id;
      },
    },
    i18n: { getMessage: englishMessage },
    clock: systemClock,
    extension: { id: EXTENSION_ID, origin, version: '0.1.0' },
    newId: () => crypto.randomUUID(),
    ...overrides,
    armed,
    badges,
    notified,
  };
}

/** Sends a message from the options page through the worker's `route`, as `ask()` does in a page. */
export function askAs(worker: Worker, sender: MessageSender = pageSender) {
  return <T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> =>
    send((message) => worker.route(message, sender), type, payload);
}
