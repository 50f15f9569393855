import { ContactCheck } from '../core/check/contact-check.ts';
import { errorCodeSchema } from '../core/error-code.ts';
import { type Mapping, mappedFields } from '../core/mapping/mapping.ts';
import type { CheckStatus, ErrorData } from '../messaging/protocol.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import { HandledError } from './router.ts';

/** Rows of a remote source (Customer Insights) a check reads; files are always read whole. */
export const REMOTE_CHECK_ROWS = 10_000;
/** A check nobody asked about for this long was left by its page (closed, or the mapping changed). */
const ABANDONED_AFTER_MS = 20_000;
/** Finished checks kept for their page to read, newest first. */
const KEPT_CHECKS = 8;

export interface CheckDeps {
  sourceFor(sourceId: string): Promise<SegmentSource | undefined>;
  /** What the file parser could not read at upload; undefined for sources that are not files. */
  fileErrors(
    sourceId: string,
  ): Promise<{ errors: { line: number; reason: string }[]; total: number } | undefined>;
  now(): number;
  newId(): string;
  /** `YYYY-MM-DD`, as a run would take it. */
  today(): string;
}

interface Job {
  status: CheckStatus;
  check: ContactCheck;
  polledAt: number;
  abort: AbortController;
}

/**
 * Whole-source checks for the export form, run in the worker so that no page ever holds a file.
 * A check reads the stored rows page by page, yielding between pages so the worker keeps
 * answering (and runs keep running), and reports its progress when polled.
 *
 * The jobs live in the worker's memory on purpose: a check is a view, not work to resume. When
 * the worker stops, its page finds the check gone ("check-unknown") and starts a new one.
 */
export class ExportChecks {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: CheckDeps) {}

  start(segments: readonly { sourceId: string; segmentId: string }[], mapping: Mapping): CheckStatus {
    this.forgetOld();
    const check = new ContactCheck(mapping, this.deps.today());
    const job: Job = {
      status: {
        checkId: this.deps.newId(),
        state: 'running',
        rowsRead: 0,
        rowsTotal: null,
        limitedTo: null,
        result: check.result(),
        error: null,
      },
      check,
      polledAt: this.deps.now(),
      abort: new AbortController(),
    };
    this.jobs.set(job.status.checkId, job);
    void this.run(job, segments, mapping);
    return { ...job.status };
  }

  status(checkId: string): CheckStatus {
    const job = this.jobs.get(checkId);
    if (!job) {
      throw new HandledError({ code: 'check-unknown', retryable: true });
    }
    job.polledAt = this.deps.now();
    return { ...job.status, result: job.check.result() };
  }

  cancel(checkId: string): void {
    this.jobs.get(checkId)?.abort.abort();
    this.jobs.delete(checkId);
  }

  private async run(
    job: Job,
    segments: readonly { sourceId: string; segmentId: string }[],
    mapping: Mapping,
  ): Promise<void> {
    const fields = mappedFields(mapping);
    const signal = job.abort.signal;
    try {
      const sources = await Promise.all(segments.map((s) => this.sourceOf(s.sourceId)));
      job.status.rowsTotal = await this.totalOf(segments, sources);
      for (const [index, segment] of segments.entries()) {
        const source = sources[index] as SegmentSource;
        const fileErrors = await this.deps.fileErrors(segment.sourceId);
        if (fileErrors) job.check.addUnreadableRecords(fileErrors.errors, fileErrors.total);
        let cursor: string | null = null;
        do {
          if (signal.aborted || this.deps.now() - job.polledAt > ABANDONED_AFTER_MS) return;
          const page = await source.readMembers(segment.segmentId, cursor, { fields, signal });
          job.check.addRows(index, page.rows);
          job.status.rowsRead += page.rows.length;
          cursor = page.next;
          if (!fileErrors && job.status.rowsRead >= REMOTE_CHECK_ROWS && cursor !== null) {
            job.status.limitedTo = REMOTE_CHECK_ROWS;
            cursor = null;
          }
          // Let messages and runs in between: a million rows must not hold the worker.
          await new Promise((resolve) => setTimeout(resolve, 0));
        } while (cursor !== null);
        if (job.status.limitedTo !== null) break;
      }
      job.status.state = 'done';
    } catch (error) {
      job.status.state = 'failed';
      job.status.error = errorDataOf(error);
    }
  }

  private async sourceOf(sourceId: string): Promise<SegmentSource> {
    const source = await this.deps.sourceFor(sourceId);
    if (!source) {
      throw new HandledError({ code: 'segment-missing', retryable: false });
    }
    return source;
  }

  private async totalOf(
    segments: readonly { sourceId: string; segmentId: string }[],
    sources: readonly SegmentSource[],
  ): Promise<number | null> {
    let total = 0;
    for (const [index, segment] of segments.entries()) {
      const listed = await (sources[index] as SegmentSource).listSegments();
      const count = listed.find((s) => s.id === segment.segmentId)?.memberCount;
      if (count === null || count === undefined) return null;
      total += count;
    }
    return total;
  }

  private forgetOld(): void {
    const now = this.deps.now();
    for (const [id, job] of this.jobs) {
      if (now - job.polledAt > ABANDONED_AFTER_MS) this.cancel(id);
    }
    const ids = [...this.jobs.keys()];
    for (const id of ids.slice(0, Math.max(0, ids.length - KEPT_CHECKS + 1))) this.cancel(id);
  }
}

/**
 * What the page may see of a failed check: handled errors as they are, and the sources' typed
 * errors (Customer Insights sign-in and API) by their code. Anything else stays in the worker.
 */
function errorDataOf(error: unknown): ErrorData {
  if (error instanceof HandledError) return error.data;
  const coded = error as { code?: unknown; retryable?: unknown };
  const code = errorCodeSchema.safeParse(coded.code);
  if (error instanceof Error && code.success) {
    return { code: code.data, retryable: coded.retryable === true };
  }
  console.error('The check failed:', error instanceof Error ? error.name : typeof error);
  return { code: 'check-failed', retryable: true };
}
