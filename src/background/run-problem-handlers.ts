import type { Database } from '../storage/open-database.ts';
import { getRun } from '../storage/run-records.ts';
import { HandledError, type Handlers } from './router.ts';

/**
 * A run's problems as History shows them, from the tally the engine keeps in the run record. Rows
 * skipped as repeats of an email are only counted by the engine; they join the contacts not sent.
 */
export function createRunProblemHandlers(db: Database): Pick<Handlers, 'runs.problems'> {
  return {
    async 'runs.problems'({ id }) {
      const run = await getRun(db, id);
      if (!run) {
        throw new HandledError({ code: 'not-found', retryable: false });
      }
      const duplicates = run.counters.duplicates;
      const groups = [...run.problems];
      if (duplicates > 0) {
        groups.push({
          kind: 'row',
          field: run.definition.mapping.email,
          reason: 'email-duplicate',
          count: duplicates,
          examples: [],
        });
      }
      return { groups: groups.sort((a, b) => b.count - a.count) };
    },
  };
}
