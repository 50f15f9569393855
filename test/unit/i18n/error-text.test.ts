import { describe, expect, test } from 'vitest';
import { errorCodes } from '../../../src/core/error-code.ts';
import { errorMessages, errorSentence } from '../../../src/i18n/error-text.ts';
import { translator } from '../../../src/i18n/translate.ts';
import {
  InvalidApiKeyError,
  MissingPermissionError,
  RateLimitedError,
  ServerError,
  toErrorData,
} from '../../../src/omnisend/errors.ts';
import { catalogue, locales, messagesOf } from '../../support/locale-messages.ts';

const placeholders = (message: string) =>
  new Set([...message.matchAll(/\$([A-Za-z_]+)\$/g)].map((m) => m[1]));

describe('the error codes', () => {
  for (const locale of locales) {
    test(`every code has a sentence in ${locale}, with a placeholder for each parameter it takes`, () => {
      const entries = catalogue(locale);
      for (const code of errorCodes) {
        const entry = errorMessages[code];
        const [key, ...params] = typeof entry === 'string' ? [entry] : entry;
        const message = entries[key]?.message;
        expect(message, `${code} → ${key}`).toBeTruthy();
        expect(placeholders(message ?? '').size, `${code} → ${key}`).toBe(params.length);
      }
    });
  }

  test('the table covers exactly the union: no code is missing and none is left over', () => {
    expect(Object.keys(errorMessages).sort()).toEqual([...errorCodes].sort());
  });

  test('Turkish says every sentence in Turkish, not in the English words', () => {
    const en = catalogue('en');
    const tr = catalogue('tr');
    const keys = new Set(
      Object.values(errorMessages).map((entry) => (typeof entry === 'string' ? entry : entry[0])),
    );
    for (const key of keys) expect(tr[key]?.message, key).not.toBe(en[key]?.message);
  });
});

describe('errorSentence', () => {
  const en = translator(messagesOf('en'));
  const tr = translator(messagesOf('tr'));

  test.each([
    [new InvalidApiKeyError({ requestId: 'urn:1' }), 'Omnisend rejected the API key', 'reddetti'],
    [new MissingPermissionError({ scope: 'brands.read' }), 'lacks a permission', 'izin eksik'],
    [new ServerError({ status: 503 }), 'not available right now', 'kullanılamıyor'],
    [new RateLimitedError({ retryAfterMs: 3_000 }), 'slow down', 'yavaşlamamızı'],
  ])('words an Omnisend failure that crossed the boundary as a code: %s', (error, english, turkish) => {
    const data = toErrorData(error);
    expect(data).not.toHaveProperty('message');
    expect(errorSentence(en, data)).toContain(english);
    expect(errorSentence(tr, data)).toContain(turkish);
  });

  test('fills the name a run failure is about, in both languages', () => {
    const error = { code: 'source-unreadable', params: { name: 'VIP müşteriler' } } as const;
    expect(errorSentence(en, error)).toContain('Could not read the segment “VIP müşteriler”');
    expect(errorSentence(tr, error)).toContain('“VIP müşteriler” segmenti kaynağından okunamadı');
  });

  test('keeps the parameters Omnisend gave, never a sentence of ours', () => {
    expect(toErrorData(new RateLimitedError({ retryAfterMs: 2_500 }))).toEqual({
      code: 'omnisend.rate-limited',
      params: { seconds: 3 },
      retryable: true,
    });
  });
});
