import type { Clock } from '../core/clock.ts';
import type { GetMessage } from '../i18n/translate.ts';
import type { Database } from '../storage/open-database.ts';
import type { LaunchWebAuthFlow } from './customer-insights/web-auth-flow.ts';
import type { EngineAlarms } from './engine/engine-types.ts';
import type { FeedbackDeps } from './run-feedback.ts';
import type { SessionArea } from './session-area.ts';

/**
 * Everything the worker takes from the browser, injected. `index.ts` binds it to `browser.*` and
 * is the only file that does; Node tests hand `createWorker` fakes of the same shape.
 */
export interface Platform {
  /** Opens IndexedDB and walks the upgrade ladder (`openDatabase` in src/storage). */
  openDatabase(): Promise<Database>;
  /** `storage.session`: what lasts for this browser session only. */
  session: SessionArea;
  fetch: typeof fetch;
  /**
   * `permissions.contains`: whether the user lets the extension reach an origin (a Dataverse
   * organisation, an optional host permission granted from Sources).
   */
  originAllowed(origin: string): Promise<boolean>;
  /** `alarms`: wake a stopped worker for unfinished runs and schedules. */
  alarms: EngineAlarms;
  identity: {
    /** `identity.getRedirectURL()`: the redirect URI an Entra app registration lists. */
    redirectUrl(): string;
    launchWebAuthFlow: LaunchWebAuthFlow;
  };
  /** The toolbar badge and the notification at the end of a run. */
  action: FeedbackDeps['action'];
  notifications: FeedbackDeps['notifications'];
  i18n: { getMessage: GetMessage };
  clock: Clock;
  /** This extension: its id and pages' origin tell its own pages from other senders. */
  extension: { id: string; origin: string; version: string };
  /** Ids of new records and of this worker's leases. */
  newId(): string;
}
