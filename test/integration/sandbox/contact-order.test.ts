import { describe, expect, it } from 'vitest';
import { ContactOrder, type Place } from '../../sandbox/omnisend/contact-order.ts';

/** The sandbox's kept listing order (contact-order.ts), walked as GET /contacts pages it. */
describe('the kept order of contacts', () => {
  const names = (places: Iterable<Place<string>>) => [...places].map((p) => p.item);

  it('keeps items by time, then by when they got it; a moved item leaves its old place', () => {
    const order = new ContactOrder<string>();
    const a = order.place('a', 10, undefined);
    order.place('b', 10, undefined);
    order.place('c', 20, undefined);
    // A time before the newest (a seeded one) goes where it belongs.
    order.place('d', 5, undefined);
    order.place('a', 30, a);
    expect(names(order.walk('asc', undefined))).toEqual(['d', 'b', 'c', 'a']);
    expect(names(order.walk('desc', undefined))).toEqual(['a', 'c', 'b', 'd']);
    expect(names(order.walk('asc', undefined, 10))).toEqual(['b', 'c', 'a']);
    expect(names(order.walk('desc', undefined, 10))).toEqual(['a', 'c', 'b']);
  });

  it('goes on strictly after a position, whatever was removed or moved behind it', () => {
    const order = new ContactOrder<number>();
    const places = Array.from({ length: 5000 }, (_, i) => order.place(i, i, undefined));
    const position = places[2499]!;
    // More than half of the places go stale: the order compacts itself and the position still holds.
    for (let i = 0; i < 2400; i++) order.remove(places[i]!);
    for (let i = 2400; i < 2450; i++) order.place(i, 10_000 + i, places[i]);
    const after = [...order.walk('asc', position)].map((p) => p.item);
    expect(after).toEqual([
      ...Array.from({ length: 2500 }, (_, i) => 2500 + i),
      ...Array.from({ length: 50 }, (_, i) => 2400 + i),
    ]);
    const before = [...order.walk('desc', position)].map((p) => p.item);
    expect(before).toEqual(Array.from({ length: 49 }, (_, i) => 2498 - i));
  });
});
