import { hashLanes } from '../fingerprint.ts';

/**
 * One export's ledger (DESIGN.md §3) as a run holds it in memory: per email, the fingerprint last
 * accepted by Omnisend and, per tag, whether this extension added it, whether a tag call is
 * pending, and whether this run has read the email in that tag's segment.
 *
 * Why in memory: IndexedDB charges per record – in Chromium about 0.1–0.3 ms for each `get` or
 * `put` of a small record, against a few µs per contact for one record holding a thousand – so a
 * run that looked each contact up in the database could never move more than a few hundred
 * contacts a second. The ledger is therefore stored in large chunks (storage/ledger.ts) and
 * looked up here, in typed arrays: about 35 bytes per contact and no JavaScript object per
 * contact, so a million contacts fit in a few tens of megabytes and cost the garbage collector
 * nothing.
 *
 * Emails are kept as a 96-bit hash, never as strings; two different emails of one export sharing
 * all 96 bits is about as likely as a random UUID repeating (10⁻¹⁷ for a million contacts).
 *
 * Tags are bits of a tag table (at most 32 tags per ledger; `tagBit`).
 */

export const MAX_LEDGER_TAGS = 32;

/** The state of one email, as stored in ledger chunks and log records. */
export interface LedgerState {
  /** Fingerprint (16 hex characters) of the contact Omnisend last accepted; null before that. */
  fingerprint: string | null;
  /** Tag bits: tags this extension added (confirmed by Omnisend). */
  tags: number;
  /** Tag bits: an addition was queued and not yet confirmed ("maybe done"). */
  pendingAdd: number;
  /** Tag bits: a removal was queued and not yet confirmed. */
  pendingRemove: number;
  /**
   * Tag bits: the contact carried the tag, and not from us, when Omnisend last showed it (a batch
   * answer): someone else's, so this extension neither claims it by adding it again nor removes it.
   */
  foreign: number;
  /** Tag bits: this run read the email in that tag's segment. Only meaningful within one run. */
  seen: number;
  /** Tag bits: this run queued a tag call for that tag. Only meaningful within one run. */
  enqueued: number;
  /** This run queued the contact to be sent. Only meaningful within one run. */
  queued: boolean;
}

const HAS_FINGERPRINT = 1;
const QUEUED = 2;
const EMPTY = -1;
const FINGERPRINT = /^[0-9a-f]{16}$/;

type Bits = Uint8Array | Uint16Array | Uint32Array;

export class LedgerIndex {
  #size = 0;
  #slots: Int32Array;
  #keys: Uint32Array;
  #fingerprints: Uint32Array;
  #flags: Uint8Array;
  #tags: Bits;
  #pendingAdd: Bits;
  #pendingRemove: Bits;
  #foreign: Bits;
  #seen: Bits;
  #enqueued: Bits;
  readonly #bitsOf: (length: number) => Bits;
  readonly #lanes = new Uint32Array(3);
  // The last hash computed, so `insert` after a missed `find` does not hash again.
  #h1 = 0;
  #h2 = 0;
  #h3 = 0;

  /**
   * @param capacity entries to make room for at once (it grows beyond when needed)
   * @param tagCount the size of the tag table: it decides how wide each tag field is
   */
  constructor(capacity: number, tagCount: number) {
    if (tagCount > MAX_LEDGER_TAGS) throw new RangeError(`at most ${MAX_LEDGER_TAGS} tags`);
    this.#bitsOf =
      tagCount <= 8
        ? (n) => new Uint8Array(n)
        : tagCount <= 16
          ? (n) => new Uint16Array(n)
          : (n) => new Uint32Array(n);
    const entries = Math.max(16, Math.ceil(capacity));
    this.#slots = new Int32Array(slotCountFor(entries)).fill(EMPTY);
    this.#keys = new Uint32Array(entries * 3);
    this.#fingerprints = new Uint32Array(entries * 2);
    this.#flags = new Uint8Array(entries);
    this.#tags = this.#bitsOf(entries);
    this.#pendingAdd = this.#bitsOf(entries);
    this.#pendingRemove = this.#bitsOf(entries);
    this.#foreign = this.#bitsOf(entries);
    this.#seen = this.#bitsOf(entries);
    this.#enqueued = this.#bitsOf(entries);
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes of the typed arrays behind the index (they live outside the JavaScript heap). */
  get bytes(): number {
    return [
      this.#slots,
      this.#keys,
      this.#fingerprints,
      this.#flags,
      this.#tags,
      this.#pendingAdd,
      this.#pendingRemove,
      this.#foreign,
      this.#seen,
      this.#enqueued,
    ].reduce((sum, array) => sum + array.byteLength, 0);
  }

  /** The entry of `email`, or -1. */
  find(email: string): number {
    this.#hash(email);
    const mask = this.#slots.length - 1;
    for (let slot = this.#h1 & mask; ; slot = (slot + 1) & mask) {
      const id = this.#slots[slot]!;
      if (id === EMPTY) return -1;
      const at = id * 3;
      if (this.#keys[at] === this.#h1 && this.#keys[at + 1] === this.#h2 && this.#keys[at + 2] === this.#h3)
        return id;
    }
  }

  /** The entry of `email`, added with an empty state when it is not there yet. */
  entry(email: string): number {
    const found = this.find(email);
    return found === -1 ? this.#insert() : found;
  }

  #insert(): number {
    if (this.#size === this.#flags.length) this.#growEntries();
    if ((this.#size + 1) * 10 > this.#slots.length * 7) this.#growSlots();
    const id = this.#size++;
    const at = id * 3;
    this.#keys[at] = this.#h1;
    this.#keys[at + 1] = this.#h2;
    this.#keys[at + 2] = this.#h3;
    this.#place(id);
    return id;
  }

  #place(id: number): void {
    const mask = this.#slots.length - 1;
    let slot = this.#keys[id * 3]! & mask;
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = id;
  }

  #growEntries(): void {
    const entries = Math.ceil(this.#flags.length * 1.5);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array>(
      array: T,
      make: (n: number) => T,
      width = 1,
    ) => {
      const next = make(entries * width);
      next.set(array);
      return next;
    };
    this.#keys = grow(this.#keys, (n) => new Uint32Array(n), 3);
    this.#fingerprints = grow(this.#fingerprints, (n) => new Uint32Array(n), 2);
    this.#flags = grow(this.#flags, (n) => new Uint8Array(n));
    this.#tags = grow(this.#tags, this.#bitsOf);
    this.#pendingAdd = grow(this.#pendingAdd, this.#bitsOf);
    this.#pendingRemove = grow(this.#pendingRemove, this.#bitsOf);
    this.#foreign = grow(this.#foreign, this.#bitsOf);
    this.#seen = grow(this.#seen, this.#bitsOf);
    this.#enqueued = grow(this.#enqueued, this.#bitsOf);
  }

  #growSlots(): void {
    this.#slots = new Int32Array(this.#slots.length * 2).fill(EMPTY);
    for (let id = 0; id < this.#size; id++) this.#place(id);
  }

  #hash(email: string): void {
    hashLanes(email, this.#lanes);
    this.#h1 = this.#lanes[0]!;
    this.#h2 = this.#lanes[1]!;
    this.#h3 = this.#lanes[2]!;
  }

  hasFingerprint(id: number, fingerprint: string): boolean {
    if ((this.#flags[id]! & HAS_FINGERPRINT) === 0) return false;
    return (
      this.#fingerprints[id * 2] === hexWord(fingerprint, 0) &&
      this.#fingerprints[id * 2 + 1] === hexWord(fingerprint, 8)
    );
  }

  setFingerprint(id: number, fingerprint: string | null): void {
    if (fingerprint === null) {
      this.#flags[id]! &= ~HAS_FINGERPRINT;
      return;
    }
    if (!FINGERPRINT.test(fingerprint)) throw new RangeError(`not a fingerprint: ${fingerprint}`);
    this.#fingerprints[id * 2] = hexWord(fingerprint, 0);
    this.#fingerprints[id * 2 + 1] = hexWord(fingerprint, 8);
    this.#flags[id]! |= HAS_FINGERPRINT;
  }

  tags(id: number): number {
    return this.#tags[id]!;
  }

  pendingAdd(id: number): number {
    return this.#pendingAdd[id]!;
  }

  pendingRemove(id: number): number {
    return this.#pendingRemove[id]!;
  }

  foreign(id: number): number {
    return this.#foreign[id]!;
  }

  /** What Omnisend showed: the contact carries the tag from elsewhere (`carries`), or not. */
  setForeign(id: number, bit: number, carries: boolean): void {
    if (carries) this.#foreign[id]! |= bit;
    else this.#foreign[id]! &= ~bit;
  }

  seen(id: number): number {
    return this.#seen[id]!;
  }

  enqueued(id: number): number {
    return this.#enqueued[id]!;
  }

  queued(id: number): boolean {
    return (this.#flags[id]! & QUEUED) !== 0;
  }

  markSeen(id: number, bit: number): void {
    this.#seen[id]! |= bit;
  }

  markQueued(id: number): void {
    this.#flags[id]! |= QUEUED;
  }

  /** A tag call for `bit` is queued in this run: pending until Omnisend confirms it. */
  markEnqueued(id: number, bit: number, op: 'add' | 'remove'): void {
    this.#enqueued[id]! |= bit;
    if (op === 'add') {
      this.#pendingAdd[id]! |= bit;
      this.#pendingRemove[id]! &= ~bit;
    } else {
      this.#pendingRemove[id]! |= bit;
      this.#pendingAdd[id]! &= ~bit;
    }
  }

  /** Omnisend confirmed a tag call: the tag is (no longer) ours and no call is pending. */
  confirm(id: number, bit: number, op: 'add' | 'remove'): void {
    if (op === 'add') this.#tags[id]! |= bit;
    else this.#tags[id]! &= ~bit;
    this.#foreign[id]! &= ~bit;
    this.#pendingAdd[id]! &= ~bit;
    this.#pendingRemove[id]! &= ~bit;
  }

  /**
   * Whether a member still needs the tag added: not ours and not carried from elsewhere, or a
   * removal may have gone out.
   */
  needsTag(id: number, bit: number): boolean {
    return ((this.#tags[id]! | this.#foreign[id]!) & bit) === 0 || (this.#pendingRemove[id]! & bit) !== 0;
  }

  /** Whether a leaver may carry the tag because of this extension. */
  mayHaveOurTag(id: number, bit: number): boolean {
    return ((this.#tags[id]! | this.#pendingAdd[id]! | this.#pendingRemove[id]!) & bit) !== 0;
  }

  state(id: number): LedgerState {
    const hasFingerprint = (this.#flags[id]! & HAS_FINGERPRINT) !== 0;
    return {
      fingerprint: hasFingerprint
        ? hexOf(this.#fingerprints[id * 2]!) + hexOf(this.#fingerprints[id * 2 + 1]!)
        : null,
      tags: this.#tags[id]!,
      pendingAdd: this.#pendingAdd[id]!,
      pendingRemove: this.#pendingRemove[id]!,
      foreign: this.#foreign[id]!,
      seen: this.#seen[id]!,
      enqueued: this.#enqueued[id]!,
      queued: this.queued(id),
    };
  }

  setState(id: number, state: LedgerState): void {
    this.setFingerprint(id, state.fingerprint);
    this.#tags[id] = state.tags;
    this.#pendingAdd[id] = state.pendingAdd;
    this.#pendingRemove[id] = state.pendingRemove;
    this.#foreign[id] = state.foreign;
    this.#seen[id] = state.seen;
    this.#enqueued[id] = state.enqueued;
    if (state.queued) this.#flags[id]! |= QUEUED;
    else this.#flags[id]! &= ~QUEUED;
  }
}

function slotCountFor(entries: number): number {
  let slots = 16;
  while (slots * 7 < entries * 10) slots *= 2;
  return slots;
}

function hexWord(text: string, from: number): number {
  return Number.parseInt(text.slice(from, from + 8), 16) >>> 0;
}

function hexOf(word: number): string {
  return word.toString(16).padStart(8, '0');
}
