/**
 * An order-independent fingerprint of a multiset of member keys, small enough to ride in a read
 * cursor: a count and two sums of independent 32-bit hashes. Two passes over a membership that
 * give equal digests saw the same members (a chance collision needs both sums to agree, about one
 * in 2^64), however the pages were ordered or cut – which is how a read proves that the segment
 * did not change under it without holding the members in memory.
 */
export interface MembershipDigest {
  count: number;
  sumA: number;
  sumB: number;
}

export const EMPTY_DIGEST: MembershipDigest = { count: 0, sumA: 0, sumB: 0 };

export function addMember(digest: MembershipDigest, key: string): MembershipDigest {
  return {
    count: digest.count + 1,
    sumA: (digest.sumA + hash32(key, 0x811c9dc5)) >>> 0,
    sumB: (digest.sumB + hash32(key, 0x01000193)) >>> 0,
  };
}

export function sameMembers(a: MembershipDigest, b: MembershipDigest): boolean {
  return a.count === b.count && a.sumA === b.sumA && a.sumB === b.sumB;
}

/** FNV-1a over UTF-16 code units from `seed`, finished with a murmur3 avalanche. */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
