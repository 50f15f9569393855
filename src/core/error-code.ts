import { z } from 'zod';

/**
 * Every error the worker can tell a page or store in a run, by code. The worker never sends a
 * sentence: the page (and the worker's notification) turns the code and its parameters into words
 * in the user's language (src/i18n/error-text.ts), whose table is typed `Record<ErrorCode, …>`, so
 * a code added here without a translation fails `tsc`. Codes are stable: stored runs keep them, so
 * a code is never renamed or removed once released.
 *
 * Add a code to the group of the part that raises it.
 */
export const errorCodes = [
  // Omnisend's answers (src/omnisend/errors.ts).
  'omnisend.invalid-api-key',
  'omnisend.missing-permission',
  'omnisend.invalid-request',
  'omnisend.not-found',
  'omnisend.rate-limited',
  'omnisend.version-retired',
  'omnisend.server-error',
  'omnisend.request-rejected',
  'omnisend.network-error',
  'omnisend.timeout',
  'omnisend.unexpected-response',
  'omnisend.local-validation',
  'omnisend.unknown',
  // Microsoft Entra ID sign-in (src/sources/customer-insights/errors.ts).
  'sign-in.required',
  'sign-in.cancelled',
  'sign-in.state-mismatch',
  'sign-in.failed',
  'sign-in.network-error',
  'sign-in.unexpected-response',
  // Customer Insights: its API's answers, then the worker's checks of environments.
  'customer-insights.invalid-subscription-key',
  'customer-insights.access-denied',
  'customer-insights.not-found',
  'customer-insights.segment-not-found',
  'customer-insights.invalid-request',
  'customer-insights.invalid-cursor',
  'customer-insights.rate-limited',
  'customer-insights.server-error',
  'customer-insights.network-error',
  'customer-insights.timeout',
  'customer-insights.unexpected-response',
  'customer-insights.org-access-required',
  'customer-insights.secret-unreadable',
  'customer-insights.duplicate-environment',
  'customer-insights.subscription-key-missing',
  'customer-insights.no-email-field',
  'customer-insights.no-connection',
  'customer-insights.route-fixed',
  'customer-insights.segments-listed',
  'customer-insights.segment-empty',
  // The message channel (src/background/router.ts, src/messaging/send.ts).
  'unknown-message',
  'forbidden',
  'invalid-request',
  'administrator-only',
  'internal',
  'storage-unavailable',
  /** A write failed because the disk or the origin's quota is full (runs stop with it too). */
  'storage-full',
  'bad-reply',
  'no-tab',
  // Roles and the administrator passphrase.
  'wrong-passphrase',
  'too-many-attempts',
  'vault-locked',
  'vault-key-missing',
  // Connections, sources and exports as the options page edits them.
  'not-found',
  'duplicate-name',
  'key-required',
  'different-brand',
  'connection-in-use',
  'upload-unknown',
  'file-empty',
  'source-in-use',
  'duplicate-export-name',
  'export-changed',
  'tag-invalid',
  'tag-duplicate',
  'segment-missing',
  'segment-in-use',
  'schedule-no-refresh',
  'connection-missing',
  'check-unknown',
  'check-failed',
  'preview-unknown',
  // Runs (src/background/engine/run-errors.ts).
  'no-connection',
  'export-missing',
  'source-missing',
  'source-unreadable',
  /** What runs waiting for a sign-in stored before codes were typed; now they store `sign-in.required`. */
  'source-needs-user',
  'engine.corrupt-run',
  /** Undo asked of a run that is not its export's last ended run, or whose changes are gone. */
  'undo-unavailable',
  /** A run the database upgrade to version 4 ended: its queued work was in the old form. */
  'engine.updated',
  'engine.unexpected',
  'storage.corrupt',
  // Runs cancelled because their connection's key went (src/background/connection-handlers.ts).
  'connection-removed',
  'connection-key-replaced',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
export const errorCodeSchema = z.enum(errorCodes);

/** The codes of one part, e.g. `CodesOf<'omnisend'>` for the Omnisend client's. */
export type CodesOf<Prefix extends string> = Extract<ErrorCode, `${Prefix}.${string}`>;

/**
 * What an error is about, as data the page words: names the user gave (a segment, an export), an
 * HTTP status, a wait, an Omnisend permission, and the service's own words for support. Never a
 * secret, never a sentence of ours.
 */
export const errorParamsSchema = z
  .object({
    name: z.string().max(300).optional(),
    status: z.number().int().optional(),
    seconds: z.number().nonnegative().optional(),
    scope: z.string().max(100).optional(),
    detail: z.string().max(1_000).optional(),
  })
  .strict();
export type ErrorParams = z.infer<typeof errorParamsSchema>;
export type ErrorParamName = keyof ErrorParams;
