import type { RunView } from '../../messaging/protocol.ts';

/** The watchdog: wakes a stopped worker so it resumes unfinished runs. Call `resume()` on it. */
export const WATCHDOG_ALARM = 'export-engine-watchdog';
/** Schedules: call `onScheduleAlarm()` on it. */
export const SCHEDULE_ALARM = 'export-engine-schedule';

/** The browser's alarms, injected (`browser.alarms` in the worker). */
export interface EngineAlarms {
  set(name: string, whenMs: number): void | Promise<void>;
  clear(name: string): void | Promise<void>;
}

export type EngineEvent =
  /** A run started, advanced, or made progress (about once a second while it works). */
  | { type: 'run-progress'; run: RunView }
  /** A run ended: succeeded, failed or canceled. For the notification at the end. */
  | { type: 'run-finished'; run: RunView }
  /**
   * Omnisend refused the key of the run's connection: the run waits (`run.waiting` says why, with
   * the connection's name) until a new key is saved for the connection. For a notification.
   */
  | { type: 'run-needs-attention'; run: RunView }
  /**
   * The browser's storage is full and not even the run's failure could be recorded: the run
   * stays unfinished (the watchdog tries it again later) and the user has to be told now.
   */
  | { type: 'storage-full' };

export interface EngineTiming {
  /** A run's lease; a worker that stopped holds its runs at most this long. */
  leaseMs: number;
  /** Lease renewal, budget snapshot and progress event period. */
  heartbeatMs: number;
  /** How far ahead the watchdog alarm is kept while runs are unfinished (Chrome: ≥ 30 s). */
  watchdogMs: number;
  /** Wait between polls of an unfinished Omnisend batch. */
  pollIntervalMs: number;
  /** First wait before reading a failing source again. */
  sourceRetryMs: number;
  /** How often "after each refresh" schedules look at the segments' last refresh. */
  refreshPollMs: number;
}

export const defaultEngineTiming: EngineTiming = {
  leaseMs: 30_000,
  heartbeatMs: 1_000,
  watchdogMs: 60_000,
  pollIntervalMs: 2_000,
  sourceRetryMs: 2_000,
  refreshPollMs: 15 * 60_000,
};
