/**
 * Typed errors of the Customer Insights source. The worker switches on the class or `code`, never
 * on a message. Messages are for people (what happened, what to do) and never carry the
 * subscription key, a token or an authorization code; Entra's own description is kept apart in
 * `detail` for support, as it names only AADSTS codes and trace ids.
 */

export type SignInErrorCode =
  | 'sign-in.required'
  | 'sign-in.cancelled'
  | 'sign-in.state-mismatch'
  | 'sign-in.failed'
  | 'sign-in.network-error'
  | 'sign-in.unexpected-response';

export interface SignInErrorInit {
  /** Entra's `error` value (e.g. `invalid_grant`), when it sent one. */
  entraError?: string | undefined;
  /** Entra's `error_description`, for support. */
  detail?: string | undefined;
  cause?: unknown;
}

export class SignInError extends Error {
  readonly code: SignInErrorCode;
  readonly retryable: boolean;
  readonly entraError: string | undefined;
  readonly detail: string | undefined;

  constructor(code: SignInErrorCode, message: string, retryable: boolean, init: SignInErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
    this.entraError = init.entraError;
    this.detail = init.detail;
  }
}

/**
 * The stored sign-in no longer works (refresh token revoked, expired or never given; Entra wants
 * the user interactively). A run pauses with "sign in again" rather than failing.
 */
export class SignInRequiredError extends SignInError {
  /** A run that meets this waits for the user to sign in again (NeedsUserError). */
  readonly needsUser = true as const;

  constructor(init: SignInErrorInit = {}) {
    super(
      'sign-in.required',
      'The Customer Insights sign-in has expired – sign in again in Sources.',
      false,
      init,
    );
  }
}

/** The user closed the sign-in window or declined consent. */
export class SignInCancelledError extends SignInError {
  constructor(init: SignInErrorInit = {}) {
    super('sign-in.cancelled', 'The Microsoft sign-in was cancelled.', false, init);
  }
}

export type CustomerInsightsErrorCode =
  | 'customer-insights.invalid-subscription-key'
  | 'customer-insights.access-denied'
  | 'customer-insights.not-found'
  | 'customer-insights.segment-not-found'
  | 'customer-insights.invalid-request'
  | 'customer-insights.invalid-cursor'
  | 'customer-insights.rate-limited'
  | 'customer-insights.server-error'
  | 'customer-insights.network-error'
  | 'customer-insights.timeout'
  | 'customer-insights.unexpected-response'
  | 'customer-insights.org-access-required';

export interface CustomerInsightsErrorInit {
  status?: number | undefined;
  /** For `rate-limited`: how long the server asked to wait, when that was longer than we wait inline. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

const RETRYABLE: ReadonlySet<CustomerInsightsErrorCode> = new Set([
  'customer-insights.rate-limited',
  'customer-insights.server-error',
  'customer-insights.network-error',
  'customer-insights.timeout',
]);

export class CustomerInsightsError extends Error {
  readonly code: CustomerInsightsErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: CustomerInsightsErrorCode, message: string, init: CustomerInsightsErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CustomerInsightsError';
    this.code = code;
    this.status = init.status;
    this.retryable = RETRYABLE.has(code);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The browser does not let the extension reach the Dataverse organisation: its origin was never
 * granted (optional host permission) or the user took it back. Only the user can grant it, from a
 * click in Sources, so a run waits for it instead of failing.
 */
export class OrgAccessRequiredError extends CustomerInsightsError {
  readonly needsUser = true as const;

  constructor(origin: string) {
    super(
      'customer-insights.org-access-required',
      `The extension may not reach ${new URL(origin).host} – choose “Allow access” for this environment in Sources.`,
    );
  }
}
