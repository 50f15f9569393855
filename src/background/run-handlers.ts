import type { Role, RunView } from '../messaging/protocol.ts';
import type { Database } from '../storage/open-database.ts';
import { pruneAllRuns, readRetention, writeRetention } from '../storage/retention.ts';
import { readAccess, runAudience } from './access.ts';
import type { Engine } from './engine/engine.ts';
import { RunFailure } from './engine/run-errors.ts';
import { HandledError, type Handlers, refusal } from './router.ts';

type RunHandlers = Pick<
  Handlers,
  | 'exports.run'
  | 'runs.active'
  | 'runs.list'
  | 'runs.get'
  | 'runs.rejected'
  | 'runs.cancel'
  | 'runs.undoPlan'
  | 'runs.undo'
  | 'runs.retention'
  | 'runs.setRetention'
>;

/** Runs per History page. */
export const HISTORY_PAGE_SIZE = 25;

export function createRunHandlers(db: Database, engine: Engine, now: () => number): RunHandlers {
  /** A contributor's lists leave out the runs of administrator-only exports. */
  async function visible(role: Role, runs: RunView[]): Promise<RunView[]> {
    if (role === 'administrator') return runs;
    const access = await readAccess(db);
    const shown: RunView[] = [];
    for (const run of runs)
      if ((await runAudience(db, access, run.id, run.exportId)) === 'everyone') shown.push(run);
    return shown;
  }

  return {
    async 'exports.run'({ id, fullResync }) {
      try {
        return { runId: await engine.startRun(id, 'manual', { fullResync }) };
      } catch {
        throw new HandledError({ code: 'not-found', retryable: false });
      }
    },
    async 'runs.active'(_, { role }) {
      return { runs: await visible(role, await engine.activeRuns()) };
    },
    async 'runs.list'({ exportId, page }, { role }) {
      // Retention bounds what is read: at most its number of runs per export.
      const runs = await visible(role, await engine.listRuns(exportId));
      const from = page * HISTORY_PAGE_SIZE;
      return {
        runs: runs.slice(from, from + HISTORY_PAGE_SIZE),
        total: runs.length,
        pageSize: HISTORY_PAGE_SIZE,
      };
    },
    async 'runs.retention'() {
      return { retention: await readRetention(db) };
    },
    async 'runs.setRetention'({ retention }) {
      await writeRetention(db, retention);
      await pruneAllRuns(db, now());
      return { accepted: true };
    },
    async 'runs.get'({ id }) {
      const run = await engine.progress(id);
      if (!run) throw new HandledError({ code: 'not-found', retryable: false });
      return { run };
    },
    async 'runs.rejected'({ id, page }) {
      const result = await engine.rejectedRows(id, page);
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
      await engine.cancel(id);
      return { accepted: true };
    },
    async 'runs.undoPlan'({ id }) {
      return { plan: await engine.undoPlan(id) };
    },
    async 'runs.undo'({ id }) {
      try {
        return { runId: await engine.undo(id) };
      } catch (error) {
        if (error instanceof RunFailure) throw refusal(error.code);
        throw error;
      }
    },
  };
}
