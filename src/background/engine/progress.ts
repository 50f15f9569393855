import { estimateRemainingMs } from '../../core/run/eta.ts';
import { planFloors } from '../../core/run/plan-floor.ts';
import { activityOf } from '../../core/run/run-activity.ts';
import { isTerminal } from '../../core/run/run-state.ts';
import { percentOf, stalledMinutes, type Throughput, timeLeftMs, workOf } from '../../core/run/throughput.ts';
import type { RunView } from '../../messaging/protocol.ts';
import { MAX_BATCH_ITEMS, MAX_TAG_EMAILS } from '../../omnisend/client.ts';
import type { RunRecord } from '../../storage/run-records.ts';

/** What the engine knows of a run it works on, beyond its record: the pace, measured and allowed. */
export interface RunLive {
  ratePerMinute: { default: number; tags: number };
  throughput: Throughput | undefined;
  /** How long the next request of each rate-limit class waits for a slot now. */
  rateLimitWaitMs(): { default: number; tags: number };
  /** While the run waits for the brand snapshot's listing: the contacts it read so far; else null. */
  omnisendRead?(): number | null;
}

/** A run the engine does not work on right now (queued, ended, or another worker's). */
export const idleLive = (ratePerMinute: RunLive['ratePerMinute']): RunLive => ({
  ratePerMinute,
  throughput: undefined,
  rateLimitWaitMs: () => ({ default: 0, tags: 0 }),
});

/** The work units a run record has done and expects (core/run/throughput.ts). */
export function workOfRun(run: RunRecord) {
  const { counters } = run;
  return workOf({
    total: run.total,
    read: counters.read,
    readDone: run.read.done,
    sent: counters.sent,
    settled: counters.created + counters.updated,
    tagged: counters.tagged,
    untagged: counters.untagged,
    queuedUpserts: run.seq.outboxItems,
    queuedTagEmails: run.tagQueue.reduce((sum, g) => sum + g.count, 0),
  });
}

/**
 * A stored run as every page and the badge show it (the protocol's RunView): the work done, what
 * it is doing now, and the time left at the measured pace, never less than the brand's rate
 * limits allow.
 */
export function progressOf(run: RunRecord, live: RunLive, now: number): RunView {
  const { counters } = run;
  const settledContacts = counters.created + counters.updated;
  const queuedUpserts = run.seq.outboxItems;
  const queuedTagEmails = run.tagQueue.reduce((sum, g) => sum + g.count, 0);
  const running = run.status === 'running';
  const work = workOfRun(run);
  const floorMs = running
    ? estimateRemainingMs({
        total: run.read.done ? counters.read : run.total,
        read: counters.read,
        queuedUpserts,
        unsettledUpserts: Math.max(0, counters.sent - settledContacts),
        sent: counters.sent,
        tagsDoneOrQueued: counters.tagged + queuedTagEmails,
        queuedTagEmails,
        ratePerMinute: live.ratePerMinute,
        batchItems: MAX_BATCH_ITEMS,
        tagEmails: MAX_TAG_EMAILS,
      })
    : null;
  const waiting = run.waiting !== null;
  const omnisendRead = running ? (live.omnisendRead?.() ?? null) : null;
  return {
    id: run.id,
    exportId: run.exportId,
    exportName: run.definition.name,
    trigger: run.trigger,
    job: run.job,
    status: run.status,
    phase: run.phase,
    activity: activityOf({
      status: run.status,
      phase: run.phase,
      waiting: run.waiting?.code ?? null,
      readDone: run.read.done,
      listingOmnisend: omnisendRead !== null,
      queuedUpserts,
      unsettledBatches: run.seq.batch - run.seq.settled,
      queuedTagEmails,
      rateLimitWaitMs: running ? live.rateLimitWaitMs() : { default: 0, tags: 0 },
    }),
    counts: { ...counters },
    total: run.total,
    percent: run.status === 'succeeded' ? 100 : isTerminal(run.status) ? null : percentOf(work),
    etaMs: running && !waiting ? timeLeftMs(work, live.throughput?.ratePerMs() ?? null, floorMs) : null,
    stalledMinutes: running && !waiting ? stalledMinutes(run.movedAt, now) : null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    waiting: run.waiting,
    ...(omnisendRead === null ? {} : { omnisendRead }),
    ...(run.repairs ? { repairs: { ...run.repairs } } : {}),
    ...(run.overwritten ? { overwritten: { ...run.overwritten, emails: [...run.overwritten.emails] } } : {}),
    ...(run.tagsInItems ? { plan: planOf(run, run.tagsInItems, live.ratePerMinute) } : {}),
    batchIds: [...run.support.batchIds],
    requestIds: [...run.support.requestIds],
  };
}

function planOf(
  run: RunRecord,
  tagsInItems: number,
  ratePerMinute: RunLive['ratePerMinute'],
): RunView['plan'] {
  const { sent, tagged, untagged } = run.counters;
  const floors = planFloors(
    { sent, tagsInItems, tagLaneAdds: tagged - tagsInItems, untagged },
    ratePerMinute,
  );
  return {
    tagsInItems,
    tagCalls: floors.tagCalls,
    plannedMs: floors.plannedMs,
    tagBoundMs: floors.tagBoundMs,
  };
}
