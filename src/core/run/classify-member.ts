import { type BatchLimits, planBatch } from './batch-plan.ts';
import type { LedgerIndex } from './ledger-index.ts';

/**
 * What a run does with one mapped segment member (DESIGN.md §4), decided against its ledger and
 * marked in it – the one rule both a run's page checkpoint (read-page.ts) and "Preview changes"
 * follow, so that a preview counts exactly what the run will do.
 *
 * - `duplicate`: read in this segment already (the first row of an email wins);
 * - `unchanged`: Omnisend holds this contact as it is (its fingerprint); `again` when this run met
 *   it in another segment first (it is counted once);
 * - `queued-already`: queued for another segment of this run; its batch tags every segment it was seen in;
 * - `too-large`: larger than a batch may be;
 * - `send`: to be sent in a batch.
 */
export type MemberPlan =
  | { kind: 'duplicate' }
  | { kind: 'unchanged'; again: boolean }
  | { kind: 'queued-already' }
  | { kind: 'too-large' }
  | { kind: 'send' };

export function classifyMember(
  index: LedgerIndex,
  id: number,
  bit: number,
  member: { fingerprint: string; bytes: number },
  options: { fullResync: boolean; limits: BatchLimits },
): MemberPlan {
  if ((index.seen(id) & bit) !== 0) return { kind: 'duplicate' };
  const seenThisRun = index.seen(id) !== 0;
  index.markSeen(id, bit);
  // Whether its batch of this run has settled yet or not, a contact met again is no "unchanged" one.
  if (!options.fullResync && index.hasFingerprint(id, member.fingerprint))
    return { kind: 'unchanged', again: seenThisRun };
  if (index.queued(id)) return { kind: 'queued-already' };
  if (planBatch([member.bytes], options.limits).kind !== 'send') return { kind: 'too-large' };
  index.markQueued(id);
  return { kind: 'send' };
}
