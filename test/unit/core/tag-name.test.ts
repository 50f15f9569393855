import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeTag, tagForSegment } from '../../../src/core/tag-name.ts';

const tagPattern = /^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]{0,126}[A-Za-z0-9_-])?$/;

describe('tagForSegment', () => {
  it.each([
    ['VIP customers', 'VIP customers'],
    ['Sadık Müşteriler', 'Sadik Musteriler'],
    ['İstanbul – Şişli / Q3', 'Istanbul Sisli Q3'],
    ['Ağustos_2026-kampanya', 'Agustos_2026-kampanya'],
    ['  Male   under 40  ', 'Male under 40'],
    ['source: shopify', 'source shopify'],
    ['Größe & Çeşit', 'Grosse Cesit'],
    ['Kunden 🎉 2026', 'Kunden 2026'],
  ])('makes %j into %j', (name, tag) => {
    expect(tagForSegment(name)).toBe(tag);
  });

  it('cuts a long name to 128 characters without a trailing space', () => {
    const tag = tagForSegment(`${'a'.repeat(127)} bcd`);
    expect(tag).toBe('a'.repeat(127));
  });

  it('falls back to a stable segment tag derived from the segment id when nothing is left of the name', () => {
    const tag = tagForSegment('Постоянные клиенты', 'seg-1');
    expect(tag).toMatch(/^segment-[0-9a-f]{8}$/);
    expect(tagForSegment('Постоянные клиенты', 'seg-1')).toBe(tag);
    expect(tagForSegment('Постоянные клиенты', 'seg-2')).not.toBe(tag);
    expect(tagForSegment('🎉', '')).toMatch(/^segment-[0-9a-f]{8}$/);
  });

  it('always gives a tag of letters, digits, space, _ and - of at most 128 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), fc.string(), (name, id) => {
        expect(tagForSegment(name, id)).toMatch(tagPattern);
      }),
    );
  });
});

describe('sanitizeTag', () => {
  it('applies the same rules to a tag that a person typed', () => {
    expect(sanitizeTag('  Yaz İndirimi: 2026 ')).toEqual({ ok: true, value: 'Yaz Indirimi 2026' });
  });

  it.each(['', '   ', '!!!', 'Клиенты'])(
    'refuses %j, which has nothing left, so the UI can ask again',
    (input) => {
      expect(sanitizeTag(input)).toEqual({ ok: false, reason: 'tag-empty' });
    },
  );

  it('keeps a sanitized tag as it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const first = sanitizeTag(input);
        if (first.ok) expect(sanitizeTag(first.value)).toEqual(first);
      }),
    );
  });
});
