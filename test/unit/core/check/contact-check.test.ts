import { describe, expect, it } from 'vitest';
import { ContactCheck, PREVIEW_ROWS } from '../../../../src/core/check/contact-check.ts';
import { EmailSet } from '../../../../src/core/check/email-set.ts';
import type { Mapping } from '../../../../src/core/mapping/mapping.ts';
import { MAX_PROBLEM_EXAMPLES, ProblemTally } from '../../../../src/core/problem-tally.ts';

const mapping: Mapping = {
  email: 'Email',
  firstName: 'Name',
  country: 'Country',
  phone: 'Phone',
  defaultCountry: 'TR',
};
const today = '2026-08-20';
const row = (position: number, values: Record<string, string>) => ({ position, values });

describe('ContactCheck', () => {
  it('counts contacts, rows not sent by reason and values left out by field and reason', () => {
    const check = new ContactCheck(mapping, today);
    check.addRows(0, [
      row(2, { Email: 'ayse@example.com', Name: 'Ayşe', Country: 'Türkiye', Phone: '0532 123 45 67' }),
      row(3, { Email: 'not-an-email', Name: 'X', Country: 'TR', Phone: '' }),
      row(4, { Email: 'AYSE@example.com', Name: 'Ayşe again', Country: 'TR', Phone: '' }),
      row(5, { Email: 'can@example.com', Name: 'Can', Country: 'Atlantis', Phone: '0532 123' }),
      row(6, { Email: 'deniz@example.com', Name: 'Deniz', Country: 'N/A', Phone: '0532 123 45 68 dahili 4' }),
      row(7, { Email: 'ece@gmaıl.com', Name: 'Ece', Country: 'Narnia', Phone: '' }),
    ]);
    check.addUnreadableRecords([{ line: 8, reason: 'field-count' }], 1);
    const result = check.result();
    expect(result).toMatchObject({
      rowsChecked: 7,
      contacts: 4,
      rowsNotSent: 3,
      valuesLeftOut: 4,
      warnings: 1,
    });
    const groups = result.groups.map((g) => [g.kind, g.field, g.reason, g.count]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ['row', 'Email', 'email-invalid', 1],
        ['row', 'Email', 'email-duplicate', 1],
        ['row', '', 'field-count', 1],
        ['field', 'Country', 'country-unknown', 2],
        ['field', 'Phone', 'phone-invalid', 1],
        ['field', 'Phone', 'phone-extension-dropped', 1],
        ['warning', 'Email', 'email-lookalike', 1],
      ]),
    );
    expect(groups).toHaveLength(7);
    const unknown = result.groups.find((g) => g.reason === 'country-unknown');
    expect(unknown?.examples).toEqual([
      { position: 5, email: 'can@example.com', value: 'Atlantis' },
      { position: 7, email: 'ece@xn--gmal-nza.com', value: 'Narnia' },
    ]);
    expect(result.groups.find((g) => g.kind === 'warning')?.examples).toEqual([
      { position: 7, email: 'ece@xn--gmal-nza.com', value: 'ece@gmaıl.com' },
    ]);
    expect(result.groups.find((g) => g.reason === 'email-invalid')?.examples).toEqual([
      { position: 3, email: 'not-an-email', value: 'not-an-email' },
    ]);
  });

  it('previews the first rows as Omnisend fields a person reads, with each row’s problems', () => {
    const check = new ContactCheck(mapping, today);
    check.addRows(1, [
      row(2, { Email: ' Ayse@Example.com', Name: 'Ayşe', Country: 'turkey', Phone: '05321234567' }),
      row(3, { Email: '', Name: 'Nobody', Country: '', Phone: '' }),
    ]);
    expect(check.result().preview).toEqual([
      {
        position: 2,
        segment: 1,
        email: 'ayse@example.com',
        contact: { firstName: 'Ayşe', countryCode: 'TR', phone: '+90 532 123 45 67' },
        problems: [],
        duplicateOf: null,
      },
      {
        position: 3,
        segment: 1,
        email: null,
        contact: null,
        problems: [{ kind: 'row', field: 'Email', reason: 'email-missing' }],
        duplicateOf: null,
      },
    ]);
  });

  it('says in the preview which earlier row a repeated email merges into, whatever its case', () => {
    const check = new ContactCheck({ email: 'Email' }, today);
    check.addRows(0, [row(2, { Email: 'Ayse@Example.com' }), row(3, { Email: ' ayse@example.COM' })]);
    check.addRows(1, [row(2, { Email: 'AYSE@example.com' })]);
    expect(check.result().preview.map((r) => [r.segment, r.position, r.duplicateOf])).toEqual([
      [0, 2, null],
      // The same segment: merged into row 2, not sent again.
      [0, 3, { position: 2, segment: 0 }],
      // Another segment: the same contact, sent once with both tags.
      [1, 2, { position: 2, segment: 0 }],
    ]);
    expect(check.result()).toMatchObject({ contacts: 1, rowsNotSent: 1 });
  });

  it('keeps only the first rows for the preview and a few examples per group, however many rows', () => {
    const check = new ContactCheck({ email: 'Email' }, today);
    const rows = Array.from({ length: 5_000 }, (_, i) =>
      row(i + 2, { Email: i % 2 ? `p${i}@x.com` : 'bad' }),
    );
    check.addRows(0, rows);
    const result = check.result();
    expect(result.preview).toHaveLength(PREVIEW_ROWS);
    expect(result.contacts).toBe(2_500);
    expect(result.groups).toEqual([
      expect.objectContaining({ reason: 'email-invalid', count: 2_500, examples: expect.any(Array) }),
    ]);
    expect(result.groups[0]?.examples).toHaveLength(MAX_PROBLEM_EXAMPLES);
  });

  it('sends a contact found in two segments once and calls neither row a duplicate', () => {
    const check = new ContactCheck({ email: 'Email' }, today);
    check.addRows(0, [row(2, { Email: 'a@x.com' })]);
    check.addRows(1, [row(2, { Email: 'a@x.com' }), row(3, { Email: 'A@x.com' })]);
    expect(check.result()).toMatchObject({ contacts: 1, rowsNotSent: 1 });
  });

  it('counts rows the parser could not read beyond those it listed', () => {
    const check = new ContactCheck({ email: 'Email' }, today);
    check.addUnreadableRecords([{ line: 2, reason: 'unterminated-quote' }], 1_500);
    expect(check.result().groups.map((g) => [g.reason, g.count])).toEqual([
      ['record-unreadable', 1_499],
      ['unterminated-quote', 1],
    ]);
    expect(check.result().rowsNotSent).toBe(1_500);
  });
});

describe('EmailSet', () => {
  it('tells a first sighting from a repeat in the same or another segment, and grows as it fills', () => {
    const set = new EmailSet();
    for (let i = 0; i < 20_000; i++) expect(set.see(`p${i}@x.com`, 0)).toBe('first');
    expect(set.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 97) expect(set.see(`p${i}@x.com`, 0)).toBe('again-in-segment');
    expect(set.see('p5@x.com', 1)).toBe('again-in-other-segment');
    expect(set.see('p5@x.com', 1)).toBe('again-in-segment');
    expect(set.size).toBe(20_000);
  });
});

describe('ProblemTally', () => {
  it('groups by kind, field and reason, most frequent first, and round-trips through its groups', () => {
    const tally = new ProblemTally();
    tally.add(
      { kind: 'field', field: 'Country', reason: 'country-unknown' },
      { position: 2, email: 'a@x.com' },
    );
    tally.add({ kind: 'row', field: 'Email', reason: 'email-invalid' }, { position: 3, email: null });
    tally.add({ kind: 'row', field: 'Email', reason: 'email-invalid' }, { position: 4, email: null });
    const copy = ProblemTally.from(tally.groups());
    copy.add({ kind: 'field', field: 'Country', reason: 'country-unknown' }, undefined, 5);
    expect(copy.groups().map((g) => [g.reason, g.count])).toEqual([
      ['country-unknown', 6],
      ['email-invalid', 2],
    ]);
    expect(tally.groups('field')).toEqual([
      {
        kind: 'field',
        field: 'Country',
        reason: 'country-unknown',
        count: 1,
        examples: [{ position: 2, email: 'a@x.com' }],
      },
    ]);
  });
});
