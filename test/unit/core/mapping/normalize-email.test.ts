import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../../../src/core/mapping/normalize-email.ts';

describe('normalizeEmail', () => {
  it.each([
    ['jane@example.com', 'jane@example.com'],
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['JOHN+news@Sub.Example.co.uk', 'john+news@sub.example.co.uk'],
    ["o'brien_x-y@example.ie", "o'brien_x-y@example.ie"],
    ['ilker@örnek.com.tr', 'ilker@xn--rnek-4qa.com.tr'],
    ['ILKER@ÖRNEK.COM.TR', 'ilker@xn--rnek-4qa.com.tr'],
    ['a@xn--rnek-4qa.com.tr', 'a@xn--rnek-4qa.com.tr'],
    ['isil@example.com', 'isil@example.com'],
    ['ISIL@EXAMPLE.COM', 'isil@example.com'],
    ['ali@müller.de', 'ali@xn--mller-kva.de'],
    ['a@пример.рф', 'a@xn--e1afmkfd.xn--p1ai'],
    ['a@例え.jp', 'a@xn--r8jz45g.jp'],
    ['a@gmaıl.com', 'a@xn--gmal-nza.com'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeEmail(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'email-missing'],
    ['   ', 'email-missing'],
    [null, 'email-missing'],
    [undefined, 'email-missing'],
    [42, 'email-missing'],
    ['plainaddress', 'email-invalid'],
    ['@example.com', 'email-invalid'],
    ['jane@', 'email-invalid'],
    ['jane@example', 'email-invalid'],
    ['jane doe@example.com', 'email-invalid'],
    ['jane@exa mple.com', 'email-invalid'],
    ['jane@@example.com', 'email-invalid'],
    ['a@b@example.com', 'email-invalid'],
    ['.jane@example.com', 'email-invalid'],
    ['jane.@example.com', 'email-invalid'],
    ['ja..ne@example.com', 'email-invalid'],
    ['jane@-example.com', 'email-invalid'],
    ['jane@example..com', 'email-invalid'],
    ['jane@example.c', 'email-invalid'],
    ['jane@example.123', 'email-invalid'],
    ['jane@example.c0m', 'email-invalid'],
    ['john@example.com™', 'email-invalid'],
    ['john@example.com©', 'email-invalid'],
    ['john@example.com®', 'email-invalid'],
    ['john@ｅｘａｍｐｌｅ.com', 'email-invalid'],
    ['john@examΩple.com', 'email-invalid'],
    ['john@pаypal.com', 'email-invalid'],
    ['john@example.рф1', 'email-invalid'],
    ['john@ex☺ample.com', 'email-invalid'],
    ['ALİ@X.COM', 'email-non-ascii'],
    ['İLKER@ÖRNEK.COM.TR', 'email-non-ascii'],
    ['ışıl@example.com', 'email-non-ascii'],
    [`${'a'.repeat(65)}@example.com`, 'email-too-long'],
    [`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(63)}.com`, 'email-too-long'],
  ])('rejects %j with %s', (input, reason) => {
    expect(normalizeEmail(input)).toEqual({ ok: false, reason });
  });

  it('lower-cases without the runtime locale, so a Turkish capital I becomes a plain i', () => {
    const result = normalizeEmail('IRMAK.ISIK@EXAMPLE.COM');
    expect(result).toEqual({ ok: true, value: 'irmak.isik@example.com' });
  });

  it('is idempotent: a normalised address normalises to itself', () => {
    const address = fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_+-]{1,20}(\.[A-Za-z0-9_+-]{1,10})?$/),
        fc.stringMatching(/^[A-Za-z0-9]{1,15}$/),
        fc.constantFrom('com', 'COM', 'com.tr', 'de', 'co.uk'),
      )
      .map(([local, host, top]) => `${local}@${host}.${top}`);
    fc.assert(
      fc.property(address, (input) => {
        const first = normalizeEmail(input);
        expect(first.ok).toBe(true);
        if (first.ok) expect(normalizeEmail(first.value)).toEqual(first);
      }),
    );
  });
});
