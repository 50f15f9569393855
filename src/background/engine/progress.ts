import { estimateRemainingMs } from '../../core/run/eta.ts';
import { isTerminal } from '../../core/run/run-state.ts';
import type { RunView } from '../../messaging/protocol.ts';
import { MAX_BATCH_ITEMS, MAX_TAG_EMAILS } from '../../omnisend/client.ts';
import type { RunRecord } from '../../storage/run-records.ts';

/**
 * A stored run as every page and the badge show it (the protocol's RunView), with an ETA from the
 * brand's rate limits.
 */
export function progressOf(
  run: RunRecord,
  ratePerMinute: { default: number; tags: number },
  now: number,
): RunView {
  const { counters } = run;
  const settledContacts = counters.created + counters.updated;
  const queuedTagEmails = run.tagQueue.reduce((sum, g) => sum + g.count, 0);
  const etaMs =
    isTerminal(run.status) || run.status === 'queued'
      ? null
      : estimateRemainingMs({
          total: run.read.done ? counters.read : run.total,
          read: counters.read,
          queuedUpserts: run.seq.outboxItems,
          unsettledUpserts: Math.max(0, counters.sent - settledContacts),
          sent: counters.sent,
          tagsDoneOrQueued: counters.tagged + queuedTagEmails,
          queuedTagEmails,
          ratePerMinute,
          batchItems: MAX_BATCH_ITEMS,
          tagEmails: MAX_TAG_EMAILS,
        });
  // Time, not rows: reading runs far ahead of tagging, which sets the pace.
  const elapsed = run.startedAt === null ? 0 : Math.max(0, now - run.startedAt);
  // Unknown (no ETA yet) shows as 0 on the progress bar and the badge.
  const percent =
    run.status === 'succeeded'
      ? 100
      : etaMs === null
        ? 0
        : Math.min(99, Math.floor((100 * elapsed) / Math.max(1, elapsed + etaMs)));
  return {
    id: run.id,
    exportId: run.exportId,
    exportName: run.definition.name,
    trigger: run.trigger,
    status: run.status,
    phase: run.phase,
    counts: { ...counters },
    total: run.total,
    percent,
    etaMs,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    waiting: run.waiting,
    batchIds: [...run.support.batchIds],
    requestIds: [...run.support.requestIds],
  };
}
