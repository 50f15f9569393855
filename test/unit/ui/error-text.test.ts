import { readFileSync } from 'node:fs';
import { describe, expect, test, vi } from 'vitest';
import { MessageError } from '../../../src/messaging/message-error.ts';
import {
  InvalidApiKeyError,
  MissingPermissionError,
  NetworkError,
  ServerError,
  toErrorData,
  VersionRetiredError,
} from '../../../src/omnisend/errors.ts';
import { errorText } from '../../../src/ui/error-text.ts';

const en = JSON.parse(
  readFileSync(new URL('../../../public/_locales/en/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string }>;

vi.mock('webextension-polyfill', () => ({
  default: { i18n: { getMessage: (key: string) => en[key]?.message ?? '' } },
}));

/** What the options page shows for an Omnisend failure that crossed the message boundary. */
const shown = (error: unknown) => errorText(new MessageError(toErrorData(error)));

describe('errorText', () => {
  test.each([
    [new InvalidApiKeyError({ requestId: 'urn:omnisend:request:1' }), 'Omnisend rejected the API key'],
    [new MissingPermissionError({ scope: 'brands.read' }), 'lacks a permission'],
    [new VersionRetiredError({}), 'retired the API version'],
    [new NetworkError({}), 'could not be reached'],
    [new ServerError({ status: 503 }), 'not available right now'],
  ])('explains %s and what to do', (error, words) => {
    expect(shown(error).text).toContain(words);
  });

  test('keeps Omnisend’s request id for support', () => {
    expect(shown(new InvalidApiKeyError({ requestId: 'urn:omnisend:request:42' })).requestId).toBe(
      'urn:omnisend:request:42',
    );
  });

  test('falls back to the worker’s own sentence for a code without a translation', () => {
    expect(
      errorText(new MessageError({ code: 'brand-new', message: 'Exactly this.', retryable: false })).text,
    ).toBe('Exactly this.');
  });
});
