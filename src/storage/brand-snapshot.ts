import { z } from 'zod';
import type { BrandFacts } from '../core/run/brand-facts.ts';
import { type ListingState, snapshotKey } from '../core/snapshot/snapshot-plan.ts';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';

/**
 * The brand snapshot (issue #16): per Omnisend brand, its contacts as the last listing read them,
 * one small record per contact keyed by brand, generation and snapshot key (snapshotKey), and a
 * head saying which generation is current and where an unfinished listing stands.
 */

const listingSchema = z.object({
  mode: z.enum(['full', 'incremental']),
  generation: z.number().int().positive(),
  after: z.string().nullable(),
  startedAt: z.number(),
  updatedAtFrom: z.number().nullable(),
  // Listings stored before the watermark have none: they are read on, and the next one is full.
  watermark: z.number().nullable().default(null),
  read: z.number().int().nonnegative(),
});

export const snapshotHeadSchema = z.object({
  brandId: z.string().min(1),
  /** The current complete generation; 0 before the first listing completed. */
  generation: z.number().int().nonnegative(),
  /** Contacts in the current generation. */
  count: z.number().int().nonnegative(),
  /** When the last complete listing started (what the snapshot knows is at least this fresh). */
  listedAt: z.number().nullable(),
  /** When the last complete full listing started. */
  fullListedAt: z.number().nullable(),
  /** Omnisend's clock: the next incremental listing reads what changed from it (snapshot-plan.ts). */
  watermark: z.number().nullable().default(null),
  /** The listing under way; it goes on from its cursor after a worker restart. */
  listing: listingSchema.nullable(),
});
export type SnapshotHead = z.infer<typeof snapshotHeadSchema>;

export const snapshotContactSchema = z.object({
  brandId: z.string(),
  generation: z.number().int(),
  /** snapshotKey of the contact's email. */
  email: z.string(),
  /** The email exactly as Omnisend holds it, when it differs from the key (another case). */
  exact: z.string().optional(),
  id: z.string(),
  status: z.string(),
  tags: z.array(z.string()),
  /** ms since epoch (Omnisend's clock). */
  updatedAt: z.number(),
});
export type SnapshotContact = z.infer<typeof snapshotContactSchema>;

export function emptyHead(brandId: string): SnapshotHead {
  return {
    brandId,
    generation: 0,
    count: 0,
    listedAt: null,
    fullListedAt: null,
    watermark: null,
    listing: null,
  };
}

export async function getSnapshotHead(db: Database, brandId: string): Promise<SnapshotHead> {
  const value = await db.get('brandSnapshots', brandId);
  return value === undefined
    ? emptyHead(brandId)
    : parseRecord(snapshotHeadSchema, 'brandSnapshots', brandId, value);
}

export async function putSnapshotHead(db: Database, head: SnapshotHead): Promise<void> {
  await db.put('brandSnapshots', snapshotHeadSchema.parse(head));
}

const generationRange = (brandId: string, generation: number) =>
  IDBKeyRange.bound([brandId, generation], [brandId, generation, []]);

/**
 * One page of a listing as one checkpoint: its contacts and the listing's next cursor, together.
 * A key already held by a contact whose address is exactly the key keeps that one: it is the
 * contact our upserts reach.
 */
export async function writeSnapshotPage(
  db: Database,
  brandId: string,
  listing: ListingState,
  contacts: readonly Omit<SnapshotContact, 'brandId' | 'generation'>[],
): Promise<void> {
  const tx = db.transaction(['brandSnapshots', 'brandContacts'], 'readwrite');
  const store = tx.objectStore('brandContacts');
  const head = parseRecord(
    snapshotHeadSchema,
    'brandSnapshots',
    brandId,
    await tx.objectStore('brandSnapshots').get(brandId),
  );
  const writes: Promise<unknown>[] = contacts.map(async (contact) => {
    const record: SnapshotContact = { brandId, generation: listing.generation, ...contact };
    if (contact.exact !== undefined) {
      const held = await store.get([brandId, listing.generation, contact.email]);
      if (held !== undefined && held.exact === undefined && held.id !== contact.id) return;
    }
    await store.put(record);
  });
  writes.push(tx.objectStore('brandSnapshots').put({ ...head, listing }));
  await allOrNothing(tx, Promise.all(writes));
}

/**
 * Ends a listing: its generation becomes the current one (a full listing's replaces the old, which
 * is deleted) and the head records how fresh the snapshot now is.
 */
export async function completeListing(
  db: Database,
  brandId: string,
  listing: ListingState,
): Promise<SnapshotHead> {
  const tx = db.transaction(['brandSnapshots', 'brandContacts'], 'readwrite');
  const heads = tx.objectStore('brandSnapshots');
  const contacts = tx.objectStore('brandContacts');
  const head = parseRecord(snapshotHeadSchema, 'brandSnapshots', brandId, await heads.get(brandId));
  if (listing.mode === 'full' && head.generation > 0 && head.generation !== listing.generation)
    await contacts.delete(generationRange(brandId, head.generation));
  const next: SnapshotHead = {
    brandId,
    generation: listing.generation,
    count: await contacts.count(generationRange(brandId, listing.generation)),
    listedAt: listing.startedAt,
    fullListedAt: listing.mode === 'full' ? listing.startedAt : head.fullListedAt,
    // An incremental listing that found the brand empty keeps what the snapshot knew before.
    watermark: listing.watermark ?? (listing.mode === 'full' ? null : head.watermark),
    listing: null,
  };
  await allOrNothing(tx, heads.put(next));
  return next;
}

/**
 * Ends a write transaction: all of its writes, or – when one fails (a full disk) – none, so no
 * page is half stored with its cursor moved past it; the failure goes to the caller, once.
 */
async function allOrNothing(
  tx: { abort(): void; done: Promise<void> },
  writes: Promise<unknown>,
): Promise<void> {
  try {
    await writes;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request: nothing more to undo.
    }
    await tx.done.catch(() => undefined);
    throw error;
  }
  await tx.done;
}

/**
 * The snapshot's contacts of some snapshot keys, in one read transaction; absent keys are not in the
 * map. A complete snapshot that listed no contact (a fresh brand) holds none of them: no read at all,
 * since a read per key costs the worker more than the rest of its work on a contact. (A listing under
 * way may be writing into the generation its head counts, so its head's count is no proof.)
 */
export async function lookupSnapshot(
  db: Database,
  head: SnapshotHead,
  keys: readonly string[],
): Promise<Map<string, SnapshotContact>> {
  const found = new Map<string, SnapshotContact>();
  if (head.generation === 0 || keys.length === 0) return found;
  if (head.count === 0 && head.listing === null) return found;
  const tx = db.transaction('brandContacts');
  await Promise.all(
    keys.map(async (key) => {
      const value = await tx.store.get([head.brandId, head.generation, key]);
      if (value !== undefined)
        found.set(
          key,
          parseRecord(snapshotContactSchema, 'brandContacts', [head.brandId, head.generation, key], value),
        );
    }),
  );
  await tx.done;
  return found;
}

/**
 * The snapshot's word on emails as sent (brand-facts.ts), from a lookupSnapshot of their keys:
 * an email is proven new when no contact is listed under its key at all; it is held when the contact
 * under its key has exactly that address (Omnisend's identifiers are case-sensitive).
 */
export function brandFactsOf(
  found: ReadonlyMap<string, SnapshotContact>,
  showsDeletions: boolean,
): BrandFacts {
  // Nobody listed: every email is new, without making its key.
  if (found.size === 0) return { provenNew: () => true, tagsOf: () => undefined, showsDeletions };
  const held = (email: string) => {
    const contact = found.get(snapshotKey(email));
    return contact !== undefined && (contact.exact ?? contact.email) === email ? contact : undefined;
  };
  return {
    provenNew: (email) => !found.has(snapshotKey(email)),
    tagsOf: (email) => held(email)?.tags,
    showsDeletions,
  };
}
