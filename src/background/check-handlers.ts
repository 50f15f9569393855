import { isoCountries } from '../core/mapping/country-index.ts';
import type { ExportChecks } from './export-checks.ts';
import type { Handlers } from './router.ts';

type CheckHandlers = Pick<
  Handlers,
  'exports.check' | 'exports.checkStatus' | 'exports.checkCancel' | 'exports.countries'
>;

export function createCheckHandlers(checks: ExportChecks): CheckHandlers {
  return {
    async 'exports.check'({ segments, mapping }) {
      return checks.start(segments, mapping);
    },
    async 'exports.checkStatus'({ checkId }) {
      return checks.status(checkId);
    },
    async 'exports.checkCancel'({ checkId }) {
      checks.cancel(checkId);
      return { accepted: true };
    },
    async 'exports.countries'() {
      return { codes: isoCountries.map((c) => c.alpha2) };
    },
  };
}
