import { describe, expect, it } from 'vitest';
import { mapProfile } from '../../../../src/core/mapping/map-profile.ts';
import type { Mapping } from '../../../../src/core/mapping/mapping.ts';

const today = '2026-08-20';
const full: Mapping = {
  email: 'EmailAddress',
  firstName: 'FirstName',
  lastName: 'LastName',
  address: 'Street',
  city: 'City',
  state: 'State',
  postalCode: 'Zip',
  country: 'Country',
  phone: 'Mobile',
  birthdate: 'BirthDate',
  gender: 'Gender',
  customProperties: [
    { name: 'loyalty_tier', field: 'Tier' },
    { name: 'orders', field: 'Orders' },
  ],
};

describe('mapProfile', () => {
  it('maps every attribute of a complete row into a ContactRequest body', () => {
    const row = {
      EmailAddress: ' Jane.Doe@Example.com ',
      FirstName: ' Işıl ',
      LastName: 'Yılmaz',
      Street: 'İstiklal Cd. 1',
      City: 'İstanbul',
      State: 'Beyoğlu',
      Zip: '34430',
      Country: 'Türkiye',
      Mobile: '0532 123 45 67',
      BirthDate: '02.05.1990',
      Gender: 'KADIN',
      Tier: 'gold',
      Orders: 12,
    };
    expect(mapProfile(row, full, { today })).toEqual({
      ok: true,
      contact: {
        identifiers: [
          { type: 'email', id: 'jane.doe@example.com', sendWelcomeMessage: false },
          { type: 'phone', id: '+905321234567', sendWelcomeMessage: false },
        ],
        firstName: 'Işıl',
        lastName: 'Yılmaz',
        address: 'İstiklal Cd. 1',
        city: 'İstanbul',
        state: 'Beyoğlu',
        postalCode: '34430',
        countryCode: 'TR',
        birthdate: '1990-05-02',
        gender: 'f',
        customProperties: { loyalty_tier: 'gold', orders: 12 },
      },
      notes: [],
      warnings: [],
    });
  });

  it('sends only the email when every other value is blank, and notes nothing', () => {
    const row = {
      EmailAddress: 'a@example.com',
      FirstName: '',
      LastName: '   ',
      Street: null,
      City: undefined,
      Country: '',
      Mobile: ' ',
      Gender: '',
      Tier: '',
    };
    expect(mapProfile(row, full, { today })).toEqual({
      ok: true,
      contact: { identifiers: [{ type: 'email', id: 'a@example.com', sendWelcomeMessage: false }] },
      notes: [],
      warnings: [],
    });
  });

  it.each([
    [{ EmailAddress: '' }, 'email-missing', undefined],
    [{}, 'email-missing', undefined],
    [{ EmailAddress: 'not-an-email' }, 'email-invalid', 'not-an-email'],
    [{ EmailAddress: 'ALİ@X.COM' }, 'email-non-ascii', 'ALİ@X.COM'],
  ])('rejects the row %j for its email (%s)', (row, reason, value) => {
    const expected =
      value === undefined
        ? { attribute: 'email', field: 'EmailAddress', reason }
        : { attribute: 'email', field: 'EmailAddress', reason, value };
    expect(mapProfile(row, full, { today })).toEqual({ ok: false, rejection: expected });
  });

  it('drops only the unusable fields and notes each with its reason', () => {
    const row = {
      EmailAddress: 'a@example.com',
      FirstName: 'Ayşe',
      Country: 'Atlantis',
      Mobile: '0532 123 45 67',
      BirthDate: '31.02.1990',
      Gender: 'other',
      Tier: 'x'.repeat(2049),
      Orders: { nested: true },
    };
    const result = mapProfile(row, full, { today });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.contact).toEqual({
      identifiers: [{ type: 'email', id: 'a@example.com', sendWelcomeMessage: false }],
      firstName: 'Ayşe',
    });
    expect(result.notes.map(({ attribute, field, reason }) => [attribute, field, reason])).toEqual([
      ['countryCode', 'Country', 'country-unknown'],
      ['phone', 'Mobile', 'phone-needs-country'],
      ['birthdate', 'BirthDate', 'birthdate-invalid'],
      ['gender', 'Gender', 'gender-unknown'],
      ['customProperties.loyalty_tier', 'Tier', 'property-value-too-long'],
      ['customProperties.orders', 'Orders', 'property-value-unsupported'],
    ]);
    expect(result.notes[0]?.value).toBe('Atlantis');
    expect(result.notes[4]?.value).toHaveLength(200);
    expect(result.notes[5]?.value).toBe('{"nested":true}');
  });

  it('uses the default country for national phone numbers when the row has none', () => {
    const result = mapProfile(
      { EmailAddress: 'a@example.com', Mobile: '07400 123456' },
      { ...full, defaultCountry: 'GB' },
      { today },
    );
    expect(result.ok && result.contact.identifiers[1]).toEqual({
      type: 'phone',
      id: '+447400123456',
      sendWelcomeMessage: false,
    });
    expect(result.ok && result.contact.countryCode).toBeUndefined();
  });

  it("prefers the row's own country over the default country for phone numbers", () => {
    const row = { EmailAddress: 'a@example.com', Country: 'DE', Mobile: '030 1234567' };
    const result = mapProfile(row, { ...full, defaultCountry: 'TR' }, { today });
    expect(result.ok && result.contact.identifiers[1]?.id).toBe('+49301234567');
  });

  it('reads ambiguous dates month first for a US export and day first otherwise', () => {
    const row = { EmailAddress: 'a@example.com', BirthDate: '03/04/1990' };
    expect(mapProfile(row, { ...full, defaultCountry: 'US' }, { today })).toMatchObject({
      contact: { birthdate: '1990-03-04' },
    });
    expect(mapProfile(row, full, { today })).toMatchObject({ contact: { birthdate: '1990-04-03' } });
    expect(mapProfile(row, full, { dateOrder: 'MDY', today })).toMatchObject({
      contact: { birthdate: '1990-03-04' },
    });
  });

  it('reads a country placeholder as no country: left out silently, the default country used', () => {
    const row = { EmailAddress: 'a@example.com', Country: 'N/A', Mobile: '0532 123 45 67' };
    const result = mapProfile(row, { ...full, defaultCountry: 'TR' }, { today });
    if (!result.ok) throw new Error('expected a contact');
    expect(result.contact.countryCode).toBeUndefined();
    expect(result.contact.identifiers[1]?.id).toBe('+905321234567');
    expect(result.notes).toEqual([]);
  });

  it('sends a phone without its extension and notes the extension as left out', () => {
    const row = { EmailAddress: 'a@example.com', Country: 'TR', Mobile: '0532 123 45 67 dahili 12' };
    const result = mapProfile(row, full, { today });
    if (!result.ok) throw new Error('expected a contact');
    expect(result.contact.identifiers[1]?.id).toBe('+905321234567');
    expect(result.notes).toEqual([
      {
        attribute: 'phone',
        field: 'Mobile',
        reason: 'phone-extension-dropped',
        value: '0532 123 45 67 dahili 12',
      },
    ]);
  });

  it('never sends a value a wrong encoding garbled, and rejects such an email', () => {
    const row = {
      EmailAddress: 'a@example.com',
      FirstName: 'Y\uFFFDlmaz',
      City: 'I\u0000s',
      Tier: 'G\uFFFD',
    };
    const result = mapProfile(row, full, { today });
    if (!result.ok) throw new Error('expected a contact');
    expect(result.contact.firstName).toBeUndefined();
    expect(result.contact.city).toBeUndefined();
    expect(result.notes.map((n) => [n.field, n.reason])).toEqual([
      ['FirstName', 'text-unreadable'],
      ['City', 'text-unreadable'],
      ['Tier', 'text-unreadable'],
    ]);
    expect(mapProfile({ EmailAddress: 'ay\uFFFDe@example.com' }, full, { today })).toMatchObject({
      ok: false,
      rejection: { field: 'EmailAddress', reason: 'text-unreadable' },
    });
  });

  it.each(['ayse@gmaıl.com', 'ayse@gmial.com', 'ayse@hotmaıl.com', 'ayse@hotmial.com', 'ayse@gmai1.com'])(
    'sends %s but warns that its domain looks like a large mailbox provider',
    (address) => {
      const result = mapProfile({ EmailAddress: address }, full, { today });
      if (!result.ok) throw new Error('expected a contact');
      expect(result.warnings).toEqual([
        { attribute: 'email', field: 'EmailAddress', reason: 'email-lookalike', value: address },
      ]);
    },
  );

  it.each(['a@gmail.com', 'a@mail.com', 'a@ymail.com', 'a@example.com', 'a@gmx.de', 'a@GMAIL.COM'])(
    'does not warn about %s',
    (address) => {
      const result = mapProfile({ EmailAddress: address }, full, { today });
      expect(result.ok && result.warnings).toEqual([]);
    },
  );

  it('keeps names exactly as written, Turkish dotless and dotted i included', () => {
    const row = { EmailAddress: 'a@example.com', FirstName: 'IŞIL', LastName: 'İnce ışık' };
    expect(mapProfile(row, full, { today })).toMatchObject({
      contact: { firstName: 'IŞIL', lastName: 'İnce ışık' },
    });
  });

  it('stores names in composed Unicode form so equal names fingerprint equally', () => {
    const row = { EmailAddress: 'a@example.com', FirstName: 'Gu\u0308l' };
    expect(mapProfile(row, full, { today })).toMatchObject({ contact: { firstName: 'Gül' } });
  });

  it('turns typed numbers into text for text attributes', () => {
    const row = { EmailAddress: 'a@example.com', Zip: 34430 };
    expect(mapProfile(row, full, { today })).toMatchObject({ contact: { postalCode: '34430' } });
  });

  it('never reads inherited properties as source values', () => {
    const mapping: Mapping = { email: 'EmailAddress', firstName: 'constructor', city: 'toString' };
    const result = mapProfile({ EmailAddress: 'a@example.com' }, mapping, { today });
    expect(result).toEqual({
      ok: true,
      contact: { identifiers: [{ type: 'email', id: 'a@example.com', sendWelcomeMessage: false }] },
      notes: [],
      warnings: [],
    });
  });

  it('keeps a custom property named __proto__ as data', () => {
    const mapping: Mapping = { email: 'E', customProperties: [{ name: '__proto__', field: 'P' }] };
    const result = mapProfile({ E: 'a@example.com', P: 'x' }, mapping, { today });
    if (!result.ok) throw new Error('expected a contact');
    expect(Object.keys(result.contact.customProperties ?? {})).toEqual(['__proto__']);
    expect(JSON.stringify(result.contact.customProperties)).toBe('{"__proto__":"x"}');
  });

  it('never sends tags', () => {
    const result = mapProfile({ EmailAddress: 'a@example.com', tags: 'vip' }, full, { today });
    expect(result.ok && 'tags' in result.contact).toBe(false);
  });
});

describe('mapProfile consent', () => {
  const mapping: Mapping = { email: 'E', consent: { field: 'Consent', changedAtField: 'ChangedAt' } };
  const email = (channels?: object) => ({
    type: 'email',
    id: 'a@example.com',
    sendWelcomeMessage: false,
    ...(channels ? { channels } : {}),
  });

  it.each([
    [
      { Consent: 'evet', ChangedAt: '2026-01-10T12:00:00+03:00' },
      { email: { status: 'subscribed', statusChangedAt: '2026-01-10T09:00:00Z' } },
      [],
    ],
    [
      { Consent: 'no', ChangedAt: '2026-01-10' },
      { email: { status: 'unsubscribed', statusChangedAt: '2026-01-10T00:00:00Z' } },
      [],
    ],
    [{ Consent: 'unsubscribed', ChangedAt: '' }, { email: { status: 'unsubscribed' } }, []],
    [
      { Consent: 'unsubscribed', ChangedAt: 'garbage' },
      { email: { status: 'unsubscribed' } },
      ['consent-date-invalid'],
    ],
    [{ Consent: 'subscribed', ChangedAt: '' }, undefined, ['consent-date-missing']],
    [{ Consent: 'subscribed', ChangedAt: 'garbage' }, undefined, ['consent-date-invalid']],
    [{ Consent: 'maybe', ChangedAt: '2026-01-10' }, undefined, ['consent-unknown']],
    [{ Consent: '', ChangedAt: '2026-01-10' }, undefined, []],
  ])('maps %j to channels %j with notes %j', (values, channels, reasons) => {
    const result = mapProfile({ E: 'a@example.com', ...values }, mapping, { today });
    if (!result.ok) throw new Error('expected a contact');
    expect(result.contact.identifiers).toEqual([email(channels)]);
    expect(result.notes.map((n) => n.reason)).toEqual(reasons);
  });

  it('sends the status alone when the export maps no date field', () => {
    const result = mapProfile(
      { E: 'a@example.com', Consent: 'yes' },
      { email: 'E', consent: { field: 'Consent' } },
      { today },
    );
    expect(result.ok && result.contact.identifiers[0]).toEqual(email({ email: { status: 'subscribed' } }));
  });

  it('sends no channel status at all when the export maps no consent field', () => {
    const result = mapProfile({ E: 'a@example.com', Consent: 'yes' }, { email: 'E' }, { today });
    expect(result.ok && result.contact.identifiers[0]).toEqual(email());
  });
});
