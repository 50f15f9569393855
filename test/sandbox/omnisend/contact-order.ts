/**
 * Contacts kept in the order of one time (created or updated), so that GET /contacts lists a page
 * from its cursor without sorting the brand: a listing of N contacts costs O(N) overall, not
 * O(N log N) a page.
 *
 * Each contact has one live place; a contact whose time changes gets a new place (at the end, as
 * times only grow with the clock) and its old place goes stale, as does a deleted contact's. Stale
 * places are skipped while listing and dropped once they outnumber the live ones (amortised O(1)).
 * Places are ordered by (time, n): `n` grows with every place made, so contacts with the same time
 * keep the order they got it in, and a position is a total order a keyset cursor can name.
 */
export interface Place<T> {
  readonly item: T;
  readonly at: number;
  readonly n: number;
  live: boolean;
}

/** A position between places: everything ordered after (at, n) when listing up. */
export interface OrderKey {
  at: number;
  n: number;
}

export class ContactOrder<T> {
  #places: Place<T>[] = [];
  #next = 0;
  #stale = 0;

  /** Gives an item its place at `at`, making its previous one (if any) stale. */
  place(item: T, at: number, previous: Place<T> | undefined): Place<T> {
    if (previous !== undefined) this.remove(previous);
    const place: Place<T> = { item, at, n: this.#next++, live: true };
    const last = this.#places.at(-1);
    // A time before the newest (a seeded `createdAt`, a clock set back) is placed where it belongs.
    if (last === undefined || last.at <= at) this.#places.push(place);
    else this.#places.splice(this.#after({ at, n: place.n }), 0, place);
    return place;
  }

  remove(place: Place<T>): void {
    if (!place.live) return;
    place.live = false;
    this.#stale++;
    if (this.#stale > 1024 && this.#stale * 2 > this.#places.length) {
      this.#places = this.#places.filter((p) => p.live);
      this.#stale = 0;
    }
  }

  /**
   * Live places in order (or in reverse), starting strictly after `from` (before it in reverse),
   * or at the first whose time is at least `atLeast`.
   */
  *walk(direction: 'asc' | 'desc', from: OrderKey | undefined, atLeast?: number): Generator<Place<T>> {
    const places = this.#places;
    if (direction === 'asc') {
      let i = from === undefined ? 0 : this.#after(from);
      if (atLeast !== undefined) i = Math.max(i, this.#after({ at: atLeast, n: -1 }));
      for (; i < places.length; i++) if (places[i]!.live) yield places[i]!;
    } else {
      const start = from === undefined ? places.length : this.#after({ at: from.at, n: from.n - 1 });
      for (let i = start - 1; i >= 0; i--) {
        const place = places[i]!;
        if (atLeast !== undefined && place.at < atLeast) return;
        if (place.live) yield place;
      }
    }
  }

  /** The index of the first place ordered after `key` (binary search). */
  #after(key: OrderKey): number {
    let low = 0;
    let high = this.#places.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const place = this.#places[mid]!;
      if (place.at < key.at || (place.at === key.at && place.n <= key.n)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
