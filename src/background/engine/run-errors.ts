import type { RunError } from '../../core/run/run-state.ts';
import { OmnisendError } from '../../omnisend/errors.ts';
import { CorruptRecordError } from '../../storage/records.ts';
import { isStorageFull, STORAGE_FULL_MESSAGE } from '../../storage/storage-full.ts';

/** A run cannot go on for a reason the user can act on; `code` is stable for the UI. */
export class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}

export const noConnection = () =>
  new RunFailure(
    'no-connection',
    'No connection – choose an Omnisend connection for this export in Exports.',
  );

/**
 * What History shows for a failure. Omnisend's errors carry their own actionable message and
 * request id; anything unexpected gets a generic message, because its text could quote data.
 */
export function runErrorOf(error: unknown): RunError {
  if (error instanceof OmnisendError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    };
  }
  if (error instanceof RunFailure) return { code: error.code, message: error.message };
  if (isStorageFull(error)) return { code: 'storage-full', message: STORAGE_FULL_MESSAGE };
  if (error instanceof CorruptRecordError) {
    return {
      code: 'storage.corrupt',
      message: `${error.message} Run the export again; if it persists, delete all data in Settings.`,
    };
  }
  return {
    code: 'engine.unexpected',
    message: 'The export stopped because of an unexpected error – run it again; if it persists, report it.',
  };
}

/** The run cannot go on until the user acts (the source said so); it waits, it does not fail. */
export class RunWaiting extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunWaiting';
  }
}

/**
 * The run needs a secret sealed under the vault key while administrator is locked: it waits, and
 * goes on when an administrator unlocks (or the connection allows scheduled runs while locked).
 */
export const lockedConnection = (name: string) =>
  new RunWaiting(
    'vault-locked',
    `Waiting for an administrator: the connection “${name}” can be used only while administrator is unlocked – unlock in Settings, or allow scheduled runs while locked in Connections.`,
  );

export const lockedSource = () =>
  new RunWaiting(
    'vault-locked',
    'Waiting for an administrator: a source of this export can be read only while administrator is unlocked – unlock in Settings, or allow scheduled runs while locked in Sources.',
  );
