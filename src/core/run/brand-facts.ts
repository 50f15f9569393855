import type { LedgerIndex } from './ledger-index.ts';

/**
 * What the brand snapshot says of the contacts of one page (issue #16), for the planner and for
 * drift repair. Keyed by the email as the run sends it.
 */
export interface BrandFacts {
  /** Omnisend holds no contact under this email (nor one differing only in case): tags may go in its batch item. */
  provenNew(email: string): boolean;
  /** The tags of the contact as listed, or undefined when the snapshot does not hold it. */
  tagsOf(email: string): readonly string[] | undefined;
  /**
   * Whether a contact the ledger saw in Omnisend and the snapshot does not hold was deleted there
   * (snapshotShowsDeletions): only a complete full listing that started after the ledger last saw
   * Omnisend's contacts says so. Else the absence says nothing – the contact may have come after
   * the listing started, or a listing's paging may have passed it by.
   */
  showsDeletions: boolean;
}

/**
 * Drift: a contact the ledger says is in Omnisend as sent (its fingerprint) but a snapshot that
 * shows deletions does not hold – deleted there, so it is sent again (`deleted`) – or whose tag the ledger says we added
 * but the snapshot shows gone – untagged there, so it is tagged again (`untagged`). A run brings the
 * snapshot up to date before it reads, so what earlier runs did is in it; a tag addition still
 * pending is no drift.
 */
export function driftOf(
  index: LedgerIndex,
  id: number,
  bit: number,
  tag: string,
  email: string,
  brand: BrandFacts,
): 'deleted' | 'untagged' | null {
  const tags = brand.tagsOf(email);
  if (tags === undefined) return brand.showsDeletions ? 'deleted' : null;
  if ((index.tags(id) & bit) !== 0 && (index.pendingAdd(id) & bit) === 0 && !tags.includes(tag))
    return 'untagged';
  return null;
}

/** A contact deleted in Omnisend: nothing this extension sent or tagged is there any more. */
export function forgetDeleted(index: LedgerIndex, id: number): void {
  index.setState(id, { ...index.state(id), fingerprint: null, tags: 0, pendingAdd: 0, pendingRemove: 0 });
}
