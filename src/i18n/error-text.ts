import type { ErrorCode, ErrorParamName, ErrorParams } from '../core/error-code.ts';
import type { MessageKey, Translate } from './translate.ts';

/** A sentence without parameters, or one whose placeholders take these parameters in order. */
type ErrorMessage = MessageKey | readonly [MessageKey, ...ErrorParamName[]];

/**
 * What each error code says to the user: what happened and what to do (DESIGN.md §8). Exhaustive
 * by type: a code added to `errorCodes` without a line here fails `tsc`; a test checks that every
 * locale has each sentence with the placeholders its parameters fill.
 */
export const errorMessages: Record<ErrorCode, ErrorMessage> = {
  'omnisend.invalid-api-key': 'errorInvalidApiKey',
  'omnisend.missing-permission': 'errorMissingPermission',
  'omnisend.invalid-request': 'errorOmnisendInvalidRequest',
  'omnisend.not-found': 'errorOmnisendNotFound',
  'omnisend.rate-limited': 'errorRateLimited',
  'omnisend.version-retired': 'errorVersionRetired',
  'omnisend.server-error': 'errorUnavailable',
  'omnisend.request-rejected': 'errorOmnisendRejected',
  'omnisend.network-error': 'errorNetwork',
  'omnisend.timeout': 'errorUnavailable',
  'omnisend.unexpected-response': 'errorOmnisendUnexpected',
  'omnisend.local-validation': 'errorUnexpected',
  'omnisend.unknown': 'errorUnexpected',
  'sign-in.required': 'errorSignInRequired',
  'sign-in.cancelled': 'errorSignInCancelled',
  'sign-in.state-mismatch': 'errorSignInFailed',
  'sign-in.failed': 'errorSignInFailed',
  'sign-in.network-error': 'errorCustomerInsightsUnreachable',
  'sign-in.unexpected-response': 'errorSignInFailed',
  'customer-insights.invalid-subscription-key': 'errorSubscriptionKey',
  'customer-insights.access-denied': 'errorCustomerInsightsAccess',
  'customer-insights.not-found': 'errorEnvironmentNotFound',
  'customer-insights.segment-not-found': 'errorCustomerInsightsSegmentGone',
  'customer-insights.invalid-request': 'errorCustomerInsightsUnexpected',
  'customer-insights.invalid-cursor': 'errorCustomerInsightsUnexpected',
  'customer-insights.rate-limited': 'errorCustomerInsightsUnavailable',
  'customer-insights.server-error': 'errorCustomerInsightsUnavailable',
  'customer-insights.network-error': 'errorCustomerInsightsUnreachable',
  'customer-insights.timeout': 'errorCustomerInsightsUnreachable',
  'customer-insights.unexpected-response': 'errorCustomerInsightsUnexpected',
  'customer-insights.org-access-required': 'errorOrgAccessRequired',
  'customer-insights.secret-unreadable': 'errorSecretUnreadable',
  'customer-insights.duplicate-environment': 'errorDuplicateEnvironment',
  'customer-insights.subscription-key-missing': 'errorSubscriptionKeyMissing',
  'customer-insights.no-email-field': 'errorNoEmailField',
  'customer-insights.no-connection': 'errorNoUsableConnection',
  'customer-insights.route-fixed': 'errorRouteFixed',
  'customer-insights.segments-listed': 'errorSegmentsListed',
  'customer-insights.segment-empty': ['errorSegmentEmpty', 'name'],
  'unknown-message': 'errorUnexpected',
  forbidden: 'errorUnexpected',
  'invalid-request': 'errorUnexpected',
  'administrator-only': 'errorAdministratorOnly',
  internal: 'errorUnexpected',
  'storage-unavailable': 'errorStorageUnavailable',
  'storage-full': 'errorStorageFull',
  'bad-reply': 'errorUnexpected',
  'no-tab': 'errorUnexpected',
  'wrong-passphrase': 'errorWrongPassphrase',
  'too-many-attempts': 'errorTooManyAttempts',
  'vault-locked': 'errorVaultLocked',
  'vault-key-missing': 'errorVaultKeyMissing',
  'not-found': 'errorNotFound',
  'duplicate-name': 'errorDuplicateName',
  'key-required': 'errorKeyRequired',
  'different-brand': 'errorDifferentBrand',
  'connection-in-use': 'errorConnectionInUse',
  'upload-unknown': 'errorUploadUnknown',
  'file-empty': 'errorFileEmpty',
  'source-in-use': 'errorSourceInUse',
  'duplicate-export-name': 'errorDuplicateExportName',
  'export-changed': 'errorExportChanged',
  'tag-invalid': ['errorTagInvalid', 'name'],
  'tag-duplicate': 'errorTagDuplicate',
  'segment-missing': 'errorSegmentMissing',
  'segment-in-use': 'errorSegmentInUse',
  'schedule-no-refresh': ['errorScheduleNoRefresh', 'name'],
  'connection-missing': 'errorConnectionMissing',
  'check-unknown': 'errorCheckUnknown',
  'check-failed': 'errorCheckFailed',
  'preview-unknown': 'errorPreviewUnknown',
  'no-connection': 'errorRunNoConnection',
  'export-missing': 'errorNotFound',
  'source-missing': ['errorSourceMissing', 'name'],
  'source-unreadable': ['errorSourceUnreadable', 'name'],
  'source-needs-user': 'errorSignInRequired',
  'engine.corrupt-run': 'errorRunCorrupt',
  'undo-unavailable': 'errorUndoUnavailable',
  'engine.updated': 'errorRunUpdated',
  'engine.unexpected': 'errorRunUnexpected',
  'storage.corrupt': 'errorStorageCorrupt',
  'connection-removed': 'errorConnectionRemoved',
  'connection-key-replaced': 'errorConnectionKeyReplaced',
};

/** An error as the worker sends or stores it: a code and what it is about. */
export interface CodedError {
  code: ErrorCode;
  params?: ErrorParams | undefined;
}

/** The sentence for an error, in the language of `translate`. */
export function errorSentence(translate: Translate, error: CodedError): string {
  const entry = errorMessages[error.code];
  if (typeof entry === 'string') return translate(entry);
  const [key, ...names] = entry;
  return translate(key, ...names.map((name) => error.params?.[name] ?? ''));
}
