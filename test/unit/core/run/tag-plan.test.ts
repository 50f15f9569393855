import { describe, expect, test } from 'vitest';
import { chunkEmails, nextTagCall, type TagGroup } from '../../../../src/core/run/tag-plan.ts';

const facts = { maxEmails: 250, moreAdds: true, moreRemoves: true };
const add = (tag: string, count: number): TagGroup => ({ op: 'add', tag, count });
const remove = (tag: string, count: number): TagGroup => ({ op: 'remove', tag, count });

describe('tag call planning', () => {
  test('a full call of 250 emails goes at once', () => {
    expect(nextTagCall([add('VIP', 12), add('Lapsed', 250)], facts)).toEqual(add('Lapsed', 250));
  });

  test('a partial call waits while more emails for it can still come', () => {
    expect(nextTagCall([add('VIP', 249)], facts)).toBeNull();
    expect(nextTagCall([remove('VIP', 10)], { ...facts, moreAdds: false })).toBeNull();
  });

  test('a partial call goes once nothing more can come for it', () => {
    expect(nextTagCall([add('VIP', 3)], { ...facts, moreAdds: false })).toEqual(add('VIP', 3));
    expect(nextTagCall([remove('VIP', 3)], { ...facts, moreAdds: false, moreRemoves: false })).toEqual(
      remove('VIP', 3),
    );
  });

  test('an empty queue asks for nothing', () => {
    expect(nextTagCall([], { ...facts, moreAdds: false, moreRemoves: false })).toBeNull();
    expect(nextTagCall([add('VIP', 0)], { ...facts, moreAdds: false, moreRemoves: false })).toBeNull();
  });

  test('emails are chunked into calls of at most 250', () => {
    const emails = Array.from({ length: 601 }, (_, i) => `p${i}@example.com`);
    const chunks = chunkEmails(emails, 250);
    expect(chunks.map((c) => c.length)).toEqual([250, 250, 101]);
    expect(chunks.flat()).toEqual(emails);
    expect(chunkEmails([], 250)).toEqual([]);
    expect(() => chunkEmails(emails, 0)).toThrow(RangeError);
  });
});
