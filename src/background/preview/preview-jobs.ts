import { errorCodeSchema } from '../../core/error-code.ts';
import type { ErrorData, PreviewStatus } from '../../messaging/protocol.ts';
import { needsUser } from '../../sources/segment-source.ts';
import { getExport } from '../../storage/exports.ts';
import { RunWaiting, runErrorOf } from '../engine/run-errors.ts';
import { HandledError, refusal } from '../router.ts';
import { type PreviewDeps, type PreviewInput, previewExport } from './export-preview.ts';

/** A preview nobody asked about for this long was left by its page. */
const ABANDONED_AFTER_MS = 60_000;
/** Previews kept for their pages to read, newest last. */
const KEPT_PREVIEWS = 4;

interface Job {
  status: PreviewStatus;
  polledAt: number;
  abort: AbortController;
}

/**
 * "Preview changes" as the export form and the popup poll it. Like checks (export-checks.ts) the
 * jobs live in the worker's memory: a preview is a view, not work to resume; the brand snapshot it
 * brings up to date on the way is stored and resumable by itself.
 */
export class PreviewJobs {
  readonly #jobs = new Map<string, Job>();

  constructor(private readonly deps: PreviewDeps & { now(): number; newId(): string }) {}

  async start(request: {
    id?: string | undefined;
    draft?: Omit<PreviewInput, 'exportId'> | undefined;
  }): Promise<PreviewStatus> {
    this.#forgetOld();
    const input = await this.#input(request);
    const job: Job = {
      status: { previewId: this.deps.newId(), state: 'omnisend', read: 0, result: null, error: null },
      polledAt: this.deps.now(),
      abort: new AbortController(),
    };
    this.#jobs.set(job.status.previewId, job);
    void this.#run(job, input);
    return { ...job.status };
  }

  status(previewId: string): PreviewStatus {
    const job = this.#jobs.get(previewId);
    if (!job) throw new HandledError({ code: 'preview-unknown', retryable: true });
    job.polledAt = this.deps.now();
    return { ...job.status };
  }

  cancel(previewId: string): void {
    this.#jobs.get(previewId)?.abort.abort();
    this.#jobs.delete(previewId);
  }

  async #input(request: {
    id?: string | undefined;
    draft?: Omit<PreviewInput, 'exportId'> | undefined;
  }): Promise<PreviewInput> {
    if (request.draft) return { exportId: request.id ?? null, ...request.draft };
    const saved = request.id === undefined ? undefined : await getExport(this.deps.db, request.id);
    if (saved === undefined) throw refusal('export-missing');
    if (saved.connectionId === null) throw refusal('no-connection');
    const { connectionId, segments, mapping, syncMode } = saved;
    return { exportId: saved.id, connectionId, segments, mapping, syncMode };
  }

  async #run(job: Job, input: PreviewInput): Promise<void> {
    try {
      const { summary, snapshot, plan } = await previewExport(
        this.deps,
        input,
        job.abort.signal,
        ({ phase, read }) => {
          job.status.state = phase;
          job.status.read = read;
        },
      );
      job.status.result = { ...summary, snapshot, plan };
      job.status.state = 'done';
    } catch (error) {
      job.status.state = 'failed';
      job.status.error = errorDataOf(error);
    }
  }

  #forgetOld(): void {
    const now = this.deps.now();
    for (const [id, job] of this.#jobs) if (now - job.polledAt > ABANDONED_AFTER_MS) this.cancel(id);
    const ids = [...this.#jobs.keys()];
    for (const id of ids.slice(0, Math.max(0, ids.length - KEPT_PREVIEWS + 1))) this.cancel(id);
  }
}

/** A source that needs the user says what to do; otherwise the failure as a run would report it. */
function errorDataOf(error: unknown): ErrorData {
  if (needsUser(error)) return { code: error.code, retryable: true };
  const { code, params, requestId } = error instanceof RunWaiting ? error.waiting : runErrorOf(error);
  const known = errorCodeSchema.safeParse(code);
  return {
    code: known.success ? known.data : 'engine.unexpected',
    retryable: true,
    ...(params ? { params } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
