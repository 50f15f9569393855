import type { Clock } from '../core/clock.ts';
import type { RetryPolicyOptions } from '../core/retry-policy.ts';
import type { UtcOffsetAt } from '../core/schedule.ts';
import type { Reply, Role } from '../messaging/protocol.ts';
import { OmnisendClient } from '../omnisend/client.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import { deleteAllData } from '../storage/delete-all.ts';
import { fileParseErrors } from '../storage/file-sources.ts';
import type { Database } from '../storage/open-database.ts';
import { Vault, VaultError } from '../storage/vault.ts';
import { audienceOf, type ObjectRef, readAccess } from './access.ts';
import { createAttentionHandlers } from './attention-handlers.ts';
import { createCheckHandlers } from './check-handlers.ts';
import { createConnectionHandlers } from './connection-handlers.ts';
import { createCustomerInsightsHandlers } from './customer-insights/environment-handlers.ts';
import { CustomerInsightsEnvironments } from './customer-insights/environments.ts';
import { CustomerInsightsSecrets } from './customer-insights/secrets.ts';
import { interactiveLaunch } from './customer-insights/web-auth-flow.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import type { EngineTiming } from './engine/engine-types.ts';
import { createOmnisendAccess, type OmnisendAccessFactory } from './engine/omnisend-access.ts';
import { lockedSource } from './engine/run-errors.ts';
import { ExportChecks } from './export-checks.ts';
import { createExportHandlers } from './export-handlers.ts';
import { type ExportServiceDeps, saveExport } from './export-service.ts';
import { sweepStorage } from './housekeeping.ts';
import { createLiveRuns } from './live-runs.ts';
import type { Platform } from './platform.ts';
import { createPreviewHandlers } from './preview/preview-handlers.ts';
import { PreviewJobs } from './preview/preview-jobs.ts';
import { readinessGate } from './readiness.ts';
import { createRoleHandlers } from './role-handlers.ts';
import { Roles } from './roles.ts';
import { type Handlers, type Routing, route, type SenderContext } from './router.ts';
import { createRunFeedback } from './run-feedback.ts';
import { createRunHandlers } from './run-handlers.ts';
import { createRunProblemHandlers } from './run-problem-handlers.ts';
import { secretPlacement } from './secret-placement.ts';
import { classifySender, type SenderFacts } from './sender.ts';
import { BrandSnapshots } from './snapshot/brand-snapshots.ts';
import { createSourceHandlers } from './source-handlers.ts';
import { SourceRegistry } from './source-registry.ts';
import { createStatusHandlers } from './status-handlers.ts';

/** Knobs the browser never turns: tests and the bench run the same worker faster or metered. */
export interface WorkerTuning {
  engine?: {
    timing?: Partial<EngineTiming>;
    /** Default true: a browser runs one worker. Tests with several workers on one database say false. */
    soleWorker?: boolean;
    utcOffsetAt?: UtcOffsetAt;
  };
  omnisend?: {
    baseUrl?: string;
    /** Omnisend's rate window: 60 000 ms, 1 000 against the ×60 sandbox. */
    windowMs?: number;
    retryPolicy?: Partial<RetryPolicyOptions>;
    random?: () => number;
    /** The clock of the rate budgets and retry backoff (default: the platform's); the bench meters it. */
    clock?: Clock;
  };
  /** Segment sources by source id, besides files and Customer Insights (memory sources in tests). */
  sources?: ReadonlyMap<string, SegmentSource>;
  /** PBKDF2 iterations for a new passphrase (default 600,000); Node tests lower it to stay fast. */
  passphraseIterations?: number;
}

/** The sender as `runtime.onMessage` describes it. */
export type MessageSender = SenderFacts;

export interface Worker {
  /** Answers one message; never throws (router.ts). */
  route(message: unknown, sender: MessageSender): Promise<Reply>;
  /** The export engine, once the database is open: for the alarms. */
  engine(): Promise<Engine>;
  /**
   * At every worker start: continues unfinished runs and catches up with missed schedules (once
   * each, not once per missed slot). The alarms only wake a worker that was stopped.
   */
  catchUp(): Promise<void>;
  /** The user let the extension reach more origins (`permissions.onAdded`): runs waiting for a Dataverse organisation go on. */
  originsGranted(): Promise<void>;
}

/**
 * The one composition root. Nothing is built at import time: the database opens as soon as the
 * worker is created, and the worker's parts are built over it behind one readiness gate, which
 * `route` awaits once per message (readiness.ts says what happens when the database fails).
 */
export function createWorker(platform: Platform, tuning: WorkerTuning = {}): Worker {
  const ready = readinessGate(async () => assemble(await platform.openDatabase(), platform, tuning));
  const { id, origin } = platform.extension;
  return {
    route: (message, sender) => {
      const context: SenderContext = { tabId: sender.tab?.id };
      return route(message, classifySender(sender, id, origin), context, ready);
    },
    engine: async () => (await ready()).engine,
    async catchUp() {
      const { engine, liveRuns, db } = await ready();
      await engine.resume();
      await liveRuns.reset(await engine.activeRuns());
      await engine.onScheduleAlarm();
      await sweepStorage(db, platform.clock.now());
    },
    async originsGranted() {
      await (await ready()).engine.resume();
    },
  };
}

interface WorkerParts extends Routing {
  engine: Engine;
  liveRuns: ReturnType<typeof createLiveRuns>;
  db: Database;
}

/** The services over the open database, then the handler map: every protocol message, by feature. */
function assemble(db: Database, platform: Platform, tuning: WorkerTuning): WorkerParts {
  const { clock, fetch, session, newId } = platform;
  const now = () => clock.now();
  const vault: Vault = new Vault({
    db,
    unlockedKey: (wrapped) => roles.unlockedKey(wrapped),
    placement: (secretId) => secretPlacement(db, secretId),
  });
  const secrets = new CustomerInsightsSecrets(vault);
  const customerInsights = new CustomerInsightsEnvironments({
    db,
    secrets,
    fetch,
    clock,
    redirectUrl: () => platform.identity.redirectUrl(),
    originAllowed: (origin) => platform.originAllowed(origin),
  });
  const roles: Roles = new Roles({
    db,
    session,
    now,
    vault: () => vault,
    // Sign-ins opened with secrets the vault key sealed must not outlive the unlock.
    locked: () => customerInsights.forgetAll(),
    ...(tuning.passphraseIterations === undefined ? {} : { iterations: tuning.passphraseIterations }),
  });
  const sources = new SourceRegistry(db, customerInsights, tuning.sources);
  const liveRuns = createLiveRuns(session);
  const omnisend = omnisendAccessOf(db, platform, tuning, vault);
  const snapshots = new BrandSnapshots({ db, clock, omnisendFor: omnisend.omnisendFor });
  const engine = createOmnisendEngine(db, platform, tuning, { omnisend, snapshots, sources, liveRuns });
  const previews = new PreviewJobs({
    db,
    clock,
    snapshots,
    omnisendFor: omnisend.omnisendFor,
    sourceFor: (sourceId) => sources.sourceFor(sourceId),
    now,
    newId,
  });
  const exportDeps: ExportServiceDeps = { db, sources, runs: engine, now, newId };
  const exportsBySource = async (role: Role) => (await readAccess(db)).exportNamesBySource(role);
  const checks = new ExportChecks({
    sourceFor: (sourceId) => sources.sourceFor(sourceId),
    fileErrors: (sourceId) => fileParseErrors(db, sourceId),
    now,
    newId,
    today: () => new Date(now()).toISOString().slice(0, 10),
  });
  const baseUrl = tuning.omnisend?.baseUrl;

  /** Settings › "Delete all data": stop every run first, so none writes into the emptied database. */
  async function deleteEverything(): Promise<void> {
    for (const run of await engine.activeRuns()) await engine.cancel(run.id);
    await deleteAllData(db);
    customerInsights.forgetAll();
    await session.clear();
  }

  const handlers: Handlers = {
    ...createStatusHandlers({
      db,
      version: platform.extension.version,
      session,
      passphraseSet: () => roles.passphraseSet(),
    }),
    ...createRoleHandlers(roles, { deleteAll: deleteEverything, unlocked: () => engine.resume() }),
    ...createConnectionHandlers({
      db,
      vault,
      runs: engine,
      now,
      newId,
      omnisend: (apiKey) =>
        new OmnisendClient({ apiKey, fetch, ...(baseUrl === undefined ? {} : { baseUrl }) }),
      snapshotOf: (brandId) => snapshots.view(brandId),
    }),
    ...createSourceHandlers({ db, now, newId, exportsBySource }),
    ...createExportHandlers(exportDeps),
    ...createCheckHandlers(checks),
    ...createPreviewHandlers(previews),
    ...createRunHandlers(db, engine, now),
    ...createRunProblemHandlers(db),
    ...createAttentionHandlers({ db, roles, reachable: (record) => customerInsights.reachable(record) }),
    ...createCustomerInsightsHandlers({
      db,
      secrets,
      environments: customerInsights,
      launch: interactiveLaunch((details) => platform.identity.launchWebAuthFlow(details)),
      exportsBySource,
      exportsFor: async (role) => (await readAccess(db)).exportsFor(role),
      saveExport: (draft) => saveExport(exportDeps, draft),
      resealSecrets: () => vault.reseal(),
      signedIn: () => engine.resume(),
      now,
      newId,
    }),
  };
  const gate = {
    role: () => roles.current(),
    audienceOf: (ref: ObjectRef) => audienceOf(db, ref),
    administratorActive: () => roles.touch(),
  };
  return { handlers, gate, engine, liveRuns, db };
}

/** The budgeted Omnisend APIs of the connections: one rate budget per brand, for runs and snapshots alike. */
function omnisendAccessOf(
  db: Database,
  platform: Platform,
  tuning: WorkerTuning,
  vault: Vault,
): OmnisendAccessFactory {
  const { clock: budgetClock, ...omnisend } = tuning.omnisend ?? {};
  return createOmnisendAccess({
    db,
    clock: budgetClock ?? platform.clock,
    fetch: platform.fetch,
    apiKeyFor: (connectionId) => vault.get(connectionId),
    ...omnisend,
  });
}

function createOmnisendEngine(
  db: Database,
  platform: Platform,
  tuning: WorkerTuning,
  parts: {
    omnisend: OmnisendAccessFactory;
    snapshots: BrandSnapshots;
    sources: SourceRegistry;
    liveRuns: ReturnType<typeof createLiveRuns>;
  },
): Engine {
  const { omnisend: access, snapshots, sources, liveRuns } = parts;
  const feedback = createRunFeedback({
    action: platform.action,
    notifications: platform.notifications,
    getMessage: (key, substitutions) => platform.i18n.getMessage(key, substitutions),
  });
  const { timing, soleWorker = true, utcOffsetAt } = tuning.engine ?? {};
  return createEngine({
    db,
    clock: platform.clock,
    omnisendFor: access.omnisendFor,
    persistBudgets: access.persistBudgets,
    snapshotFor: (connectionId, signal) => snapshots.refresh(connectionId, signal),
    snapshotReading: (brandId) => snapshots.reading(brandId),
    sourceFor: (sourceId) =>
      sources.sourceFor(sourceId).catch((error: unknown) => {
        throw error instanceof VaultError && error.code === 'locked' ? lockedSource() : error;
      }),
    alarms: platform.alarms,
    notify: (event) => {
      void liveRuns.publish(event);
      feedback(event).catch(() => undefined);
    },
    newId: () => platform.newId(),
    soleWorker,
    ...(timing === undefined ? {} : { timing }),
    ...(utcOffsetAt === undefined ? {} : { utcOffsetAt }),
  });
}
