import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LedgerIndex, type LedgerState } from '../../../../src/core/run/ledger-index.ts';

const empty: LedgerState = {
  fingerprint: null,
  tags: 0,
  pendingAdd: 0,
  pendingRemove: 0,
  foreign: 0,
  seen: 0,
  enqueued: 0,
  queued: false,
};

const fingerprint = fc.stringMatching(/^[0-9a-f]{16}$/);
const bits = (width: number) => fc.integer({ min: 0, max: 2 ** width - 1 });
const state = (width: number) =>
  fc.record({
    fingerprint: fc.option(fingerprint, { nil: null }),
    tags: bits(width),
    pendingAdd: bits(width),
    pendingRemove: bits(width),
    foreign: bits(width),
    seen: bits(width),
    enqueued: bits(width),
    queued: fc.boolean(),
  });

describe('the in-memory ledger index', () => {
  test('holds the same states as a Map, by email, while it grows far past its first capacity', () => {
    for (const width of [8, 16, 32]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.emailAddress(), state(width)), { minLength: 1, maxLength: 300 }),
          (writes) => {
            const index = new LedgerIndex(4, width);
            const model = new Map<string, LedgerState>();
            for (const [email, next] of writes) {
              index.setState(index.entry(email), next);
              model.set(email, next);
            }
            expect(index.size).toBe(model.size);
            for (const [email, expected] of model) expect(index.state(index.find(email))).toEqual(expected);
          },
        ),
      );
    }
  });

  test('finds nothing for an email it was never given, and starts new emails empty', () => {
    const index = new LedgerIndex(10, 8);
    expect(index.find('a@example.com')).toBe(-1);
    const id = index.entry('a@example.com');
    expect(index.state(id)).toEqual(empty);
    expect(index.entry('a@example.com')).toBe(id);
    expect(index.find('A@example.com')).toBe(-1);
  });

  test('keeps a hundred thousand emails apart', () => {
    const index = new LedgerIndex(1000, 8);
    for (let i = 0; i < 100_000; i++) index.setFingerprint(index.entry(`member${i}@example.com`), fp(i));
    expect(index.size).toBe(100_000);
    for (let i = 0; i < 100_000; i += 997) {
      const id = index.find(`member${i}@example.com`);
      expect(index.hasFingerprint(id, fp(i))).toBe(true);
      expect(index.hasFingerprint(id, fp(i + 1))).toBe(false);
    }
  });

  test('tells whether a tag is needed or may be ours, as queued calls and confirmations change it', () => {
    const index = new LedgerIndex(10, 8);
    const id = index.entry('a@example.com');
    const vip = 1;
    expect(index.needsTag(id, vip)).toBe(true);
    expect(index.mayHaveOurTag(id, vip)).toBe(false);
    index.markEnqueued(id, vip, 'add');
    expect(index.mayHaveOurTag(id, vip)).toBe(true);
    expect(index.needsTag(id, vip)).toBe(true);
    index.confirm(id, vip, 'add');
    expect(index.state(id)).toMatchObject({ tags: vip, pendingAdd: 0, enqueued: vip });
    expect(index.needsTag(id, vip)).toBe(false);
    index.markEnqueued(id, vip, 'remove');
    // A removal that may have gone out: the member needs the tag again.
    expect(index.needsTag(id, vip)).toBe(true);
    index.confirm(id, vip, 'remove');
    expect(index.state(id)).toMatchObject({ tags: 0, pendingAdd: 0, pendingRemove: 0 });
    expect(index.mayHaveOurTag(id, vip)).toBe(false);
  });

  test('a tag carried from elsewhere is neither needed nor ours, until Omnisend shows it gone', () => {
    const index = new LedgerIndex(10, 8);
    const id = index.entry('a@example.com');
    const vip = 1;
    index.setForeign(id, vip, true);
    expect(index.needsTag(id, vip)).toBe(false);
    expect(index.mayHaveOurTag(id, vip)).toBe(false);
    index.setForeign(id, vip, false);
    expect(index.needsTag(id, vip)).toBe(true);
    index.setForeign(id, vip, true);
    // Once this extension added it (e.g. after it was gone and came back), it is ours.
    index.markEnqueued(id, vip, 'add');
    index.confirm(id, vip, 'add');
    expect(index.state(id)).toMatchObject({ tags: vip, foreign: 0 });
  });

  test('uses the 32nd tag bit like any other', () => {
    const index = new LedgerIndex(10, 32);
    const id = index.entry('a@example.com');
    const last = 2 ** 31;
    index.markSeen(id, last);
    index.markEnqueued(id, last, 'add');
    index.confirm(id, last, 'add');
    expect(index.state(id)).toMatchObject({ tags: last, seen: last, enqueued: last, pendingAdd: 0 });
    expect(index.needsTag(id, last)).toBe(false);
  });

  test('refuses what is not a fingerprint rather than storing something else', () => {
    const index = new LedgerIndex(10, 8);
    expect(() => index.setFingerprint(index.entry('a@example.com'), 'not-hex')).toThrow(RangeError);
  });
});

function fp(i: number): string {
  return i.toString(16).padStart(16, '0');
}
