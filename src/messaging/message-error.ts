import type { ErrorData } from './protocol.ts';

/** The typed form of an error that crossed a message boundary as data. */
export class MessageError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  /** What the error is about, when it names things (e.g. the exports that still use a source). */
  readonly details: readonly string[] | undefined;

  constructor(data: ErrorData) {
    super(data.message);
    this.name = 'MessageError';
    this.code = data.code;
    this.retryable = data.retryable;
    this.requestId = data.requestId;
    this.details = data.details;
  }
}
