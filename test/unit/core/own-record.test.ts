import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emptyRecord, ownRecordSchema } from '../../../src/core/own-record.ts';

describe('records keyed by user-given names', () => {
  it('keeps a `__proto__` key through structured clone and parsing, as data', () => {
    const record = emptyRecord<string>();
    const [proto, ctor] = ['__proto__', 'constructor'];
    record[proto] = 'run-1';
    record[ctor] = 'run-2';
    const stored: unknown = structuredClone(record);
    const parsed = ownRecordSchema(z.string()).parse(stored);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(parsed[proto]).toBe('run-1');
    expect(parsed.toString).toBeUndefined();
  });

  it('inherits nothing: names of Object.prototype are absent until set', () => {
    const parsed = ownRecordSchema(z.number()).parse({});
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])
      expect(parsed[name]).toBeUndefined();
  });

  it('refuses a value of the wrong type and a non-object', () => {
    expect(ownRecordSchema(z.number()).safeParse({ a: 'x' }).success).toBe(false);
    expect(ownRecordSchema(z.number()).safeParse([1]).success).toBe(false);
    expect(ownRecordSchema(z.number()).safeParse(null).success).toBe(false);
  });
});
