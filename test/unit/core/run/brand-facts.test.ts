import { expect, test } from 'vitest';
import { driftOf, forgetDeleted } from '../../../../src/core/run/brand-facts.ts';
import { LedgerIndex } from '../../../../src/core/run/ledger-index.ts';
import { brandFactsOf, type SnapshotContact } from '../../../../src/storage/brand-snapshot.ts';

const listed = (email: string, tags: string[], exact?: string): [string, SnapshotContact] => [
  email,
  {
    brandId: 'b',
    generation: 1,
    email,
    id: `id-${email}`,
    status: 'subscribed',
    tags,
    updatedAt: 1,
    ...(exact ? { exact } : {}),
  },
];

const brand = brandFactsOf(
  new Map([listed('ann@x.com', ['VIP']), listed('bob@x.com', [], 'Bob@x.com'), listed('cem@x.com', [])]),
  true,
);

test('a contact is proven new only when nothing is listed under its email, in any case', () => {
  expect(brand.provenNew('new@x.com')).toBe(true);
  expect(brand.provenNew('ann@x.com')).toBe(false);
  // Omnisend holds Bob@x.com, another contact to it than bob@x.com – but not proof enough.
  expect(brand.provenNew('bob@x.com')).toBe(false);
  expect(brand.tagsOf('bob@x.com')).toBeUndefined();
  expect(brand.tagsOf('ann@x.com')).toEqual(['VIP']);
});

test('drift: deleted when the snapshot does not hold the contact, untagged when our confirmed tag is gone', () => {
  const index = new LedgerIndex(8, 8);
  const entry = (email: string, tagged: boolean) => {
    const id = index.entry(email);
    index.setFingerprint(id, '00000000000000ff');
    if (tagged) index.confirm(id, 1, 'add');
    return id;
  };
  expect(driftOf(index, entry('gone@x.com', true), 1, 'VIP', 'gone@x.com', brand)).toBe('deleted');
  expect(driftOf(index, entry('ann@x.com', true), 1, 'VIP', 'ann@x.com', brand)).toBeNull();
  expect(driftOf(index, entry('cem@x.com', true), 1, 'VIP', 'cem@x.com', brand)).toBe('untagged');
  // A tag we never added is nobody's drift; one still pending is not confirmed yet.
  expect(driftOf(index, entry('new@x.com', false), 1, 'VIP', 'new@x.com', brand)).toBe('deleted');
  const dave = entry('dave@x.com', false);
  expect(
    driftOf(index, dave, 1, 'VIP', 'dave@x.com', brandFactsOf(new Map([listed('dave@x.com', [])]), true)),
  ).toBeNull();
  const pending = index.entry('pending@x.com');
  index.setFingerprint(pending, '00000000000000ff');
  index.markEnqueued(pending, 1, 'add');
  expect(
    driftOf(
      index,
      pending,
      1,
      'VIP',
      'pending@x.com',
      brandFactsOf(new Map([listed('pending@x.com', [])]), true),
    ),
  ).toBeNull();

  // A snapshot that shows no deletions (an incremental listing since the ledger last saw Omnisend,
  // or a full one that started before) says nothing of a contact it does not hold.
  const silent = brandFactsOf(new Map([listed('cem@x.com', [])]), false);
  expect(driftOf(index, index.find('gone@x.com'), 1, 'VIP', 'gone@x.com', silent)).toBeNull();
  expect(driftOf(index, index.find('cem@x.com'), 1, 'VIP', 'cem@x.com', silent)).toBe('untagged');

  const gone = index.find('gone@x.com');
  forgetDeleted(index, gone);
  expect(index.state(gone)).toMatchObject({ fingerprint: null, tags: 0, pendingAdd: 0, pendingRemove: 0 });
});
