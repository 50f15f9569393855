import type { ErrorParams } from '../../core/error-code.ts';
import type { RunError } from '../../core/run/run-state.ts';
import { OmnisendError } from '../../omnisend/errors.ts';
import { CorruptRecordError } from '../../storage/records.ts';
import { isStorageFull } from '../../storage/storage-full.ts';

/** Codes a run fails with on its own account (the others come from Omnisend and the sources). */
export type RunFailureCode =
  | 'no-connection'
  | 'export-missing'
  | 'source-missing'
  | 'source-unreadable'
  | 'engine.corrupt-run'
  | 'undo-unavailable';

/** A run cannot go on for a reason the user can act on; the page words `code` and `params`. */
export class RunFailure extends Error {
  constructor(
    readonly code: RunFailureCode,
    readonly params: ErrorParams = {},
  ) {
    super(code);
    this.name = 'RunFailure';
  }
}

export const noConnection = () => new RunFailure('no-connection');

/**
 * What History shows for a failure: a code and its parameters, never a sentence. Omnisend's errors
 * carry their request id; anything unexpected gets a generic code, because its text could quote data.
 */
export function runErrorOf(error: unknown): RunError {
  if (error instanceof OmnisendError) {
    return {
      code: error.code,
      ...(Object.keys(error.params).length === 0 ? {} : { params: error.params }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    };
  }
  if (error instanceof RunFailure) {
    return { code: error.code, ...(Object.keys(error.params).length === 0 ? {} : { params: error.params }) };
  }
  if (error instanceof CorruptRecordError) return { code: 'storage.corrupt' };
  if (isStorageFull(error)) return { code: 'storage-full' };
  return { code: 'engine.unexpected' };
}

/** The run cannot go on until the user acts (the source said so); it waits, it does not fail. */
export class RunWaiting extends Error {
  constructor(readonly waiting: RunError) {
    super(waiting.code);
    this.name = 'RunWaiting';
  }
}

/**
 * The run needs a secret sealed under the vault key while administrator is locked: it waits, and
 * goes on when an administrator unlocks (or the connection allows scheduled runs while locked).
 */
export const lockedConnection = (name: string) => new RunWaiting({ code: 'vault-locked', params: { name } });

export const lockedSource = () => new RunWaiting({ code: 'vault-locked' });

/** Omnisend refused the connection's key: only a new key (Connections) lets its runs go on. */
export const keyProblemCodes = ['omnisend.invalid-api-key', 'omnisend.missing-permission'] as const;
export type KeyProblemCode = (typeof keyProblemCodes)[number];

export function isKeyProblem(code: string | undefined): code is KeyProblemCode {
  return (keyProblemCodes as readonly string[]).includes(code ?? '');
}
