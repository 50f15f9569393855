import type { ErrorCode, ErrorParams } from '../core/error-code.ts';
import type { ErrorData } from './protocol.ts';

/** The typed form of an error that crossed a message boundary as data. */
export class MessageError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams | undefined;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  /** What the error is about, when it names things (e.g. the exports that still use a source). */
  readonly details: readonly string[] | undefined;

  constructor(data: ErrorData) {
    // The code, not a sentence: the page words it (src/i18n/error-text.ts).
    super(data.code);
    this.name = 'MessageError';
    this.code = data.code;
    this.params = data.params;
    this.retryable = data.retryable;
    this.requestId = data.requestId;
    this.details = data.details;
  }
}
