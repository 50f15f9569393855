/**
 * How much of a run is done, in work units, and how fast that has moved lately – the basis of the
 * progress bar and of the time left (DESIGN.md §8). A unit is one step of one contact: read, sent
 * in a batch, settled by Omnisend, tagged or untagged. Percent and time left follow what has
 * really happened, so a run that does not move does not creep towards 99 % nor claim "less than a
 * minute".
 */
export interface WorkInput {
  /** Rows in the segments, when the source tells. */
  total: number | null;
  read: number;
  readDone: boolean;
  sent: number;
  /** Contacts whose batch Omnisend finished. */
  settled: number;
  tagged: number;
  untagged: number;
  queuedUpserts: number;
  queuedTagEmails: number;
}

export interface Work {
  done: number;
  /** Null while the number of rows is unknown. */
  expected: number | null;
}

export function workOf(input: WorkInput): Work {
  const done = input.read + input.sent + input.settled + input.tagged + input.untagged;
  const rows = input.readDone ? input.read : input.total;
  if (rows === null) return { done, expected: null };
  const unread = Math.max(0, rows - input.read);
  // Unread rows are expected to go as the rows read so far went.
  const sendShare = input.read > 0 ? (input.sent + input.queuedUpserts) / input.read : 1;
  const expectedSent = input.sent + input.queuedUpserts + unread * sendShare;
  const tagShare = input.settled > 0 ? (input.tagged + input.queuedTagEmails) / input.settled : 1;
  const expectedTags =
    input.tagged +
    input.untagged +
    input.queuedTagEmails +
    Math.max(0, expectedSent - input.settled) * Math.min(tagShare, 4);
  const expected = rows + 2 * expectedSent + expectedTags;
  return { done, expected: Math.max(done, Math.round(expected)) };
}

/** 0–99 while running: a run is 100 % only once it succeeded. Null when the total is unknown. */
export function percentOf(work: Work): number | null {
  if (work.expected === null) return null;
  if (work.expected === 0) return 0;
  return Math.min(99, Math.floor((100 * work.done) / work.expected));
}

/** The window the pace is measured over, and the least of it needed before estimating. */
export const THROUGHPUT_WINDOW_MS = 30_000;
export const THROUGHPUT_MIN_SPAN_MS = 5_000;

/** Samples of (time, units done) over the last window; kept in the worker's memory per run. */
export class Throughput {
  readonly #samples: { at: number; done: number }[] = [];

  add(at: number, done: number): void {
    this.#samples.push({ at, done });
    while (this.#samples.length > 2 && this.#samples[1]!.at <= at - THROUGHPUT_WINDOW_MS)
      this.#samples.shift();
  }

  /** Units per millisecond over the window; null until the window spans enough time. */
  ratePerMs(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < THROUGHPUT_MIN_SPAN_MS) return null;
    return Math.max(0, last.done - first.done) / (last.at - first.at);
  }
}

/**
 * Time left: the work left at the measured pace, never less than what Omnisend's rate limits allow
 * (`floorMs`). Null while the pace is still being measured or nothing has moved in the window.
 */
export function timeLeftMs(work: Work, ratePerMs: number | null, floorMs: number | null): number | null {
  if (work.expected === null || ratePerMs === null || ratePerMs <= 0) return null;
  const measured = Math.max(0, work.expected - work.done) / ratePerMs;
  return Math.round(Math.max(measured, floorMs ?? 0));
}

/** A running run that has not moved for this long says so. */
export const STALLED_AFTER_MS = 3 * 60_000;

/** Minutes without progress, when the run counts as stalled; null otherwise. */
export function stalledMinutes(movedAt: number | null, now: number): number | null {
  if (movedAt === null || now - movedAt < STALLED_AFTER_MS) return null;
  return Math.floor((now - movedAt) / 60_000);
}
