import { abortReason, type Clock } from '../../core/clock.ts';
import {
  type ListingState,
  nextListing,
  SNAPSHOT_PAGE_SIZE,
  snapshotKey,
  snapshotPageWaitMs,
} from '../../core/snapshot/snapshot-plan.ts';
import type { SnapshotView } from '../../messaging/connection-messages.ts';
import type { ListContactsQuery } from '../../omnisend/client.ts';
import { InvalidRequestError } from '../../omnisend/errors.ts';
import type { ContactResponse } from '../../omnisend/schemas.ts';
import {
  completeListing,
  getSnapshotHead,
  putSnapshotHead,
  type SnapshotContact,
  type SnapshotHead,
  writeSnapshotPage,
} from '../../storage/brand-snapshot.ts';
import type { Database } from '../../storage/open-database.ts';
import type { OmnisendAccess } from '../engine/omnisend-access.ts';

export interface BrandSnapshotsDeps {
  db: Database;
  clock: Clock;
  /** The budgeted Omnisend API of a connection, sharing its brand's budget with runs; null: gone. */
  omnisendFor(connectionId: string): Promise<OmnisendAccess | null>;
  /** After each page and at the end: the UI shows the listing's progress and the snapshot's age. */
  notify?(head: SnapshotHead): void;
}

/**
 * Reads brands' contacts into their snapshots (core/snapshot/snapshot-plan.ts says what a listing
 * reads and how it shares the budget). One listing per brand at a time; a listing stopped with the
 * worker goes on from its stored cursor. Memory stays flat: a page is written before the next is read.
 */
export class BrandSnapshots {
  readonly #deps: BrandSnapshotsDeps;
  readonly #listings = new Map<string, Promise<SnapshotHead>>();
  /** Contacts read so far by the listing under way of a brand. */
  readonly #read = new Map<string, number>();

  constructor(deps: BrandSnapshotsDeps) {
    this.#deps = deps;
  }

  /** Brings the snapshot of the connection's brand up to date; null when the connection is gone. */
  async refresh(connectionId: string, signal?: AbortSignal): Promise<SnapshotHead | null> {
    const access = await this.#deps.omnisendFor(connectionId);
    if (access === null) return null;
    let listing = this.#listings.get(access.brandId);
    if (listing === undefined) {
      // Shared by every caller meanwhile (a run, a preview): one caller giving up stops only its wait.
      listing = this.#list(access).finally(() => {
        this.#listings.delete(access.brandId);
        this.#read.delete(access.brandId);
      });
      listing.catch(() => undefined);
      this.#listings.set(access.brandId, listing);
    }
    return signal === undefined ? listing : untilAborted(listing, signal);
  }

  /** The contacts read so far by the listing of a brand under way in this worker; null when none is. */
  reading(brandId: string): number | null {
    return this.#read.get(brandId) ?? null;
  }

  /** What Options › Connections shows of a brand's snapshot. */
  async view(brandId: string): Promise<SnapshotView> {
    const head = await getSnapshotHead(this.#deps.db, brandId);
    return { listedAt: head.listedAt, count: head.count, reading: this.reading(brandId) };
  }

  /** The snapshot of a connection's brand as stored; null when the connection is gone. */
  async head(connectionId: string): Promise<SnapshotHead | null> {
    const access = await this.#deps.omnisendFor(connectionId);
    return access === null ? null : getSnapshotHead(this.#deps.db, access.brandId);
  }

  async #list(access: OmnisendAccess): Promise<SnapshotHead> {
    const { db, clock } = this.#deps;
    const { brandId } = access;
    const head = await getSnapshotHead(db, brandId);
    let listing = head.listing ?? nextListing(head, clock.now());
    if (listing.after === null && listing.read === 0) listing = await this.#watermarked(access, listing);
    if (head.listing === null) await putSnapshotHead(db, { ...head, listing });
    let lastPageAt = Number.NEGATIVE_INFINITY;
    this.#read.set(brandId, listing.read);
    for (;;) {
      await this.#yieldToRuns(access, lastPageAt);
      lastPageAt = clock.now();
      let page: Awaited<ReturnType<OmnisendAccess['api']['listContacts']>>;
      try {
        page = await access.api.listContacts(query(listing));
      } catch (error) {
        // GUESS: a cursor kept across a long pause may expire (Omnisend does not say); start over.
        if (!(error instanceof InvalidRequestError) || listing.after === null) throw error;
        listing = { ...listing, after: null, read: 0 };
        continue;
      }
      listing = { ...listing, after: page.after, read: listing.read + page.contacts.length };
      await writeSnapshotPage(db, brandId, listing, page.contacts.flatMap(snapshotContactOf));
      this.#read.set(brandId, listing.read);
      if (page.after === null) {
        const done = await completeListing(db, brandId, listing);
        this.#deps.notify?.(done);
        return done;
      }
      this.#deps.notify?.({ ...head, listing });
    }
  }

  /**
   * The listing with its watermark: the `updatedAt` of the contact Omnisend updated last, asked for
   * before the first page (snapshot-plan.ts says why Omnisend's clock and not ours).
   */
  async #watermarked(access: OmnisendAccess, listing: ListingState): Promise<ListingState> {
    await this.#yieldToRuns(access, Number.NEGATIVE_INFINITY);
    const newest = await access.api.listContacts({ limit: 1, sort: 'updatedAt', direction: 'desc' });
    const updatedAt = Date.parse(newest.contacts[0]?.updatedAt ?? '');
    return { ...listing, watermark: Number.isFinite(updatedAt) ? updatedAt : null };
  }

  /** Waits while runs of the brand want its budget, up to the listing's share (snapshotPageWaitMs). */
  async #yieldToRuns(access: OmnisendAccess, lastPageAt: number): Promise<void> {
    const { clock } = this.#deps;
    const slotMs = 60_000 / access.ratePerMinute.default;
    for (;;) {
      const wait = snapshotPageWaitMs({
        othersWaiting: access.rateLimitWaitMs().default > 0,
        sinceLastPageMs: clock.now() - lastPageAt,
        slotMs,
      });
      if (wait === 0) return;
      await clock.sleep(Math.min(wait, slotMs));
    }
  }
}

/** The promise, or the signal's reason once it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function query(listing: ListingState): ListContactsQuery {
  return {
    limit: SNAPSHOT_PAGE_SIZE,
    // Oldest first: a full listing by creation is not disturbed by contacts updated meanwhile; an
    // incremental one by update sees what changed while it read at its end.
    sort: listing.mode === 'full' ? 'createdAt' : 'updatedAt',
    direction: 'asc',
    ...(listing.after === null ? {} : { after: listing.after }),
    ...(listing.updatedAtFrom === null
      ? {}
      : { updatedAtFrom: new Date(listing.updatedAtFrom).toISOString() }),
  };
}

/** A listed contact as the snapshot keeps it; none for a contact without an email (phone only). */
export function snapshotContactOf(
  contact: ContactResponse,
): Omit<SnapshotContact, 'brandId' | 'generation'>[] {
  const email = contact.email ?? contact.identifiers.find((i) => i.type === 'email')?.id;
  if (email === undefined || email === '') return [];
  const key = snapshotKey(email);
  const updatedAt = Date.parse(contact.updatedAt ?? '');
  return [
    {
      email: key,
      ...(key === email ? {} : { exact: email }),
      id: contact.id,
      status: contact.status ?? 'nonSubscribed',
      tags: contact.tags,
      updatedAt: Number.isFinite(updatedAt) ? updatedAt : 0,
    },
  ];
}
