import { hash52 } from '../fingerprint.ts';

export type Sighting = 'first' | 'again-in-segment' | 'again-in-other-segment';

const emptySlot = 0;
const initialSize = 1 << 12;

/**
 * The emails seen so far in a check, for counting contacts and duplicates over a million rows
 * without holding a million strings: each email is kept as a 52-bit hash (8 bytes) in an
 * open-addressing table, with the last segment it was seen in. Two different emails share a hash
 * with a chance of about n²/2⁵³ – one in ten thousand for a million emails – which would only
 * miscount one duplicate in a preview count, never change what a run sends.
 */
export class EmailSet {
  private hashes = new Float64Array(initialSize);
  private segments = new Uint8Array(initialSize);
  private used = 0;

  get size(): number {
    return this.used;
  }

  see(email: string, segment: number): Sighting {
    const hash = hash52(email) || 1;
    const slot = this.slotOf(hash);
    if (this.hashes[slot] === hash) {
      if (this.segments[slot] === segment) return 'again-in-segment';
      this.segments[slot] = segment;
      return 'again-in-other-segment';
    }
    this.hashes[slot] = hash;
    this.segments[slot] = segment;
    this.used++;
    if (this.used * 2 > this.hashes.length) this.grow();
    return 'first';
  }

  private slotOf(hash: number): number {
    const mask = this.hashes.length - 1;
    let slot = hash % this.hashes.length;
    while (this.hashes[slot] !== emptySlot && this.hashes[slot] !== hash) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const hashes = this.hashes;
    const segments = this.segments;
    this.hashes = new Float64Array(hashes.length * 2);
    this.segments = new Uint8Array(hashes.length * 2);
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i] as number;
      if (hash === emptySlot) continue;
      const slot = this.slotOf(hash);
      this.hashes[slot] = hash;
      this.segments[slot] = segments[i] as number;
    }
  }
}
