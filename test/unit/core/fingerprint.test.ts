import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  fingerprintContact,
  fingerprintValue,
  hash64,
  utf8Length,
} from '../../../src/core/fingerprint.ts';
import type { MappedContact } from '../../../src/core/mapping/mapped-contact.ts';

const contact: MappedContact = {
  identifiers: [{ type: 'email', id: 'a@example.com', sendWelcomeMessage: false }],
  firstName: 'Işıl',
  city: 'İstanbul',
  customProperties: { tier: 'gold', orders: 3, vip: true },
};

// Rebuilds an object with its keys in a shuffled order, at every depth.
function shuffled<T>(value: T, seed: number): T {
  if (Array.isArray(value)) return value.map((item) => shuffled(item, seed)) as T;
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const order = keys
    .map((key, i) => [key, (i * 7919 + seed) % (keys.length + 3)] as const)
    .sort((a, b) => a[1] - b[1]);
  return Object.fromEntries(
    order.map(([key]) => [key, shuffled((value as Record<string, unknown>)[key], seed)]),
  ) as T;
}

const json = fc.jsonValue({ maxDepth: 3 });

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}',
    );
  });

  it('leaves out undefined properties like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('fingerprintContact', () => {
  it('is 16 hex characters', () => {
    expect(fingerprintContact(contact, 'v1')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same fingerprint for the same data, whatever the key order', () => {
    fc.assert(
      fc.property(json, fc.nat(), (value, seed) => {
        expect(fingerprintValue(shuffled(value, seed))).toBe(fingerprintValue(value));
      }),
    );
    expect(fingerprintContact(shuffled(contact, 5), 'v1')).toBe(fingerprintContact(contact, 'v1'));
  });

  it('changes when any sent field changes', () => {
    const variants: MappedContact[] = [
      { ...contact, firstName: 'Isil' },
      { ...contact, firstName: 'IŞIL' },
      { ...contact, city: undefined },
      { ...contact, lastName: 'Kaya' },
      { ...contact, customProperties: { tier: 'gold', orders: '3', vip: true } },
      { ...contact, customProperties: { tier: 'gold', orders: 3, vip: 'true' } },
      { ...contact, identifiers: [{ type: 'email', id: 'b@example.com', sendWelcomeMessage: false }] },
      {
        ...contact,
        identifiers: [
          {
            type: 'email',
            id: 'a@example.com',
            sendWelcomeMessage: false,
            channels: { email: { status: 'subscribed' } },
          },
        ],
      },
    ];
    const prints = new Set([contact, ...variants].map((c) => fingerprintContact(c, 'v1')));
    expect(prints.size).toBe(variants.length + 1);
  });

  it('changes when any string value changes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(fingerprintContact({ ...contact, firstName: a }, 'v1')).not.toBe(
          fingerprintContact({ ...contact, firstName: b }, 'v1'),
        );
      }),
    );
  });

  it('changes when the mapping version changes', () => {
    expect(fingerprintContact(contact, 'v2')).not.toBe(fingerprintContact(contact, 'v1'));
    expect(fingerprintValue({ email: 'Email', city: 'City' })).not.toBe(
      fingerprintValue({ email: 'Email', city: 'Town' }),
    );
  });
});

describe('hash64', () => {
  it('keeps its known values, because the ledger stores fingerprints across versions', () => {
    expect(hash64('hello')).toBe('bfb06f3a63cd7226');
    expect(hash64('a')).not.toBe(hash64('b'));
  });

  it('spreads 100,000 similar inputs without a collision', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(hash64(`user${i}@example.com`));
    expect(seen.size).toBe(100_000);
  });
});

describe('utf8Length', () => {
  it('counts what TextEncoder would write, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (units) => {
        const text = String.fromCharCode(...units);
        expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
    for (const text of ['Ayşe 🙂 Yılmaz', '\ud83d', '\ud83dx', '\ude42\ud83d', 'a\ud83d\ude42'])
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('the canonical JSON of a contact is as long as the JSON a batch sends', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(utf8Length(canonicalJson(value))).toBe(utf8Length(JSON.stringify(value)));
      }),
    );
  });
});
