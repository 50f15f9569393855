import type { RunView } from '../messaging/protocol.ts';
import type { Engine } from './engine/engine.ts';
import type { RunProgress } from './engine/engine-types.ts';
import { HandledError, type Handlers } from './router.ts';

type RunHandlers = Pick<
  Handlers,
  'exports.run' | 'runs.active' | 'runs.list' | 'runs.get' | 'runs.rejected' | 'runs.cancel'
>;

/** The engine's view of a run, as pages see it. */
export function runView(run: RunProgress): RunView {
  const finished = run.status === 'succeeded';
  return {
    id: run.runId,
    exportId: run.exportId,
    exportName: run.exportName,
    trigger: run.trigger,
    status: run.status,
    phase: run.phase,
    counts: run.counters,
    total: run.total,
    percent: finished ? 100 : Math.min(100, Math.max(0, run.percent ?? 0)),
    etaMs: run.etaMs,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    waiting: run.waiting,
    batchIds: run.support.batchIds,
    requestIds: run.support.requestIds,
  };
}

export function createRunHandlers(engine: Promise<Engine>): RunHandlers {
  return {
    async 'exports.run'({ id, fullResync }) {
      try {
        return { runId: await (await engine).startRun(id, 'manual', { fullResync }) };
      } catch {
        throw new HandledError({
          code: 'not-found',
          message: 'This export no longer exists.',
          retryable: false,
        });
      }
    },
    async 'runs.active'() {
      return { runs: (await (await engine).activeRuns()).map(runView) };
    },
    async 'runs.list'({ exportId }) {
      return { runs: (await (await engine).listRuns(exportId)).map(runView) };
    },
    async 'runs.get'({ id }) {
      const run = await (await engine).progress(id);
      if (!run)
        throw new HandledError({
          code: 'not-found',
          message: 'This run no longer exists.',
          retryable: false,
        });
      return { run: runView(run) };
    },
    async 'runs.rejected'({ id, page }) {
      const result = await (await engine).rejectedRows(id, page);
      return {
        total: result.total,
        pageSize: result.pageSize,
        rows: result.rows.map((r) => ({
          position: r.position,
          kind: r.kind,
          email: r.email,
          field: r.field,
          ...(r.value === undefined ? {} : { value: r.value }),
          reason: r.reason,
          ...(r.message === undefined ? {} : { message: r.message }),
          ...(r.requestId === undefined ? {} : { requestId: r.requestId }),
        })),
      };
    },
    async 'runs.cancel'({ id }) {
      await (await engine).cancel(id);
      return { accepted: true };
    },
  };
}
