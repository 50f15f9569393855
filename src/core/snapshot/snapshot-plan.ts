/**
 * The brand snapshot's listing plan (issue #16): what the next listing of a brand's contacts reads,
 * and how it shares the brand's rate budget with runs. Pure; the worker's BrandSnapshots does the I/O.
 *
 * A listing reads GET /contacts 250 a page (the OpenAPI maximum). The first, and every listing once
 * the last full one is older than `FULL_RELIST_AFTER_MS`, is full: it fills a new generation that
 * replaces the old one when complete, so contacts deleted in Omnisend leave the snapshot. Between
 * those, a listing is incremental: `updatedAtFrom` the previous listing's watermark, less
 * `UPDATED_OVERLAP_MS`. Incremental listings cannot see deletions (a deleted contact is no longer
 * listed at all); runs repair what they find out (a batch item that creates a contact the snapshot
 * held proves it deleted).
 *
 * The watermark is Omnisend's own clock, never this machine's (which may be hours wrong): as a
 * listing starts it asks for the one contact updated last (`sort=updatedAt&direction=desc&limit=1`,
 * GET /contacts parameters in the 2026-03-15 contacts document). Every change after that moment is
 * stamped later by Omnisend, so the next listing reads from there; whatever the listing read of
 * changes made while it paged is read again, which costs a little and misses nothing, whichever
 * order or cursor the listing pages by. A brand with no contact yet has no watermark: the next
 * listing reads everything (there was nothing to read before).
 */

/** GET /contacts `limit` maximum (OpenAPI: 1–250). */
export const SNAPSHOT_PAGE_SIZE = 250;

/**
 * GUESS: a week. How stale the snapshot's knowledge of deletions may get before a listing reads the
 * whole brand again. Wrong either way costs little: too long and a deletion is noticed by the next
 * run's batch (created, not updated); too short and a large brand is listed in full more often.
 */
export const FULL_RELIST_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * GUESS: five minutes. Both the watermark and `updatedAt` are Omnisend's clock, but Omnisend runs on
 * many servers whose clocks and write order may differ a little: a few minutes read again cover that.
 */
export const UPDATED_OVERLAP_MS = 5 * 60 * 1000;

/**
 * The share of the brand's request budget a listing may take while runs wait for it (decision): a
 * listing yields every slot runs want, but takes one at least every `1 / SHARE` slot intervals, so
 * it finishes while a long run goes on, and that run keeps three quarters of its pace.
 */
export const SNAPSHOT_SHARE_WHILE_BUSY = 0.25;

export interface ListingState {
  mode: 'full' | 'incremental';
  /** The generation the listing writes into: a new one for a full listing. */
  generation: number;
  /** The cursor of the next page; null before the first. */
  after: string | null;
  /** This machine's clock: the snapshot's age, the weekly full listing, deletions (snapshotShowsDeletions). */
  startedAt: number;
  /** ms since epoch, Omnisend's clock; null for a full listing. */
  updatedAtFrom: number | null;
  /**
   * The `updatedAt` of the contact Omnisend updated last as the listing started (Omnisend's clock);
   * null while not asked yet or when the brand had no contact.
   */
  watermark: number | null;
  /** Contacts read so far. */
  read: number;
}

export interface SnapshotFacts {
  /** The current complete generation; 0 when there is none yet. */
  generation: number;
  /** When the last complete listing started; null when none completed. */
  listedAt: number | null;
  /** When the last complete full listing started; null when none completed. */
  fullListedAt: number | null;
  /** The last complete listing's watermark (ListingState); null when it found no contact. */
  watermark: number | null;
}

/**
 * Whether the snapshot's silence on a contact the ledger saw in Omnisend proves it deleted there.
 * Incremental listings never show a deletion (a deleted contact is listed no more), and a contact
 * the ledger saw after a full listing started may have come after that listing passed its place; so
 * only a complete full listing that started after the ledger last saw Omnisend's contacts does.
 * Both times are this machine's clock, as the ledger's runs record them.
 */
export function snapshotShowsDeletions(
  fullListedAt: number | null,
  /** ledgerSeenAt: null when no run of the export ever ran. */
  ledgerSeenAt: number | null,
): boolean {
  return fullListedAt !== null && (ledgerSeenAt === null || fullListedAt > ledgerSeenAt);
}

/** The listing to start now. */
export function nextListing(facts: SnapshotFacts, now: number): ListingState {
  const { listedAt, fullListedAt, watermark } = facts;
  const fullDue =
    facts.generation === 0 ||
    listedAt === null ||
    fullListedAt === null ||
    watermark === null ||
    now - fullListedAt >= FULL_RELIST_AFTER_MS ||
    // A clock that went back makes the age unknowable: read everything rather than miss changes.
    now < fullListedAt;
  if (fullDue)
    return {
      mode: 'full',
      generation: facts.generation + 1,
      after: null,
      startedAt: now,
      updatedAtFrom: null,
      watermark: null,
      read: 0,
    };
  return {
    mode: 'incremental',
    generation: facts.generation,
    after: null,
    startedAt: now,
    updatedAtFrom: Math.max(0, watermark - UPDATED_OVERLAP_MS),
    watermark: null,
    read: 0,
  };
}

/**
 * How long a listing waits before its next page: 0 when no run waits for the budget, else until
 * `1 / share` slot intervals have passed since its last page.
 */
export function snapshotPageWaitMs(facts: {
  othersWaiting: boolean;
  sinceLastPageMs: number;
  /** The budget's interval between two requests at full pace. */
  slotMs: number;
  share?: number;
}): number {
  if (!facts.othersWaiting) return 0;
  const gap = facts.slotMs / (facts.share ?? SNAPSHOT_SHARE_WHILE_BUSY);
  return Math.max(0, gap - facts.sinceLastPageMs);
}

/**
 * The snapshot's key of an email: trimmed and ASCII lower-cased, as normalizeEmail sends it. Omnisend
 * treats identifiers case-sensitively, so a contact created elsewhere as `Ann@X.com` is not the one
 * we would upsert as `ann@x.com`; the record keeps its exact address then (SnapshotContact.exact).
 */
export function snapshotKey(email: string): string {
  return email.trim().replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
