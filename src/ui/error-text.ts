import type { ErrorParams } from '../core/error-code.ts';
import { type CodedError, errorSentence } from '../i18n/error-text.ts';
import { MessageError } from '../messaging/message-error.ts';
import { t } from './i18n.ts';

export interface ErrorText {
  text: string;
  /** The service's own words, shown apart for support (never ours to translate). */
  detail: string | undefined;
  requestId: string | undefined;
  /** The names the error is about (the exports that still use a connection…). */
  details: readonly string[];
}

/** What the page says about an error the worker sent or a run stored, in the user's language. */
export function errorText(error: unknown): ErrorText {
  if (error instanceof MessageError) return { ...codedText(error), details: error.details ?? [] };
  return { text: t('errorUnexpected'), detail: undefined, requestId: undefined, details: [] };
}

export function codedText(
  error: CodedError & { params?: ErrorParams | undefined; requestId?: string | undefined },
): ErrorText {
  return {
    text: errorSentence(t, error),
    detail: error.params?.detail,
    requestId: error.requestId,
    details: [],
  };
}
