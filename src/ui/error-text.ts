import { MessageError } from '../messaging/message-error.ts';
import { type MessageKey, t } from './i18n.ts';

/** Error codes the worker sends, and the sentence that tells the user what happened and what to do. */
const errorKeys: Record<string, MessageKey> = {
  'omnisend.invalid-api-key': 'errorInvalidApiKey',
  'omnisend.missing-permission': 'errorMissingPermission',
  'omnisend.version-retired': 'errorVersionRetired',
  'omnisend.network-error': 'errorNetwork',
  'omnisend.timeout': 'errorUnavailable',
  'omnisend.server-error': 'errorUnavailable',
  'omnisend.request-rejected': 'errorUnavailable',
  'omnisend.unexpected-response': 'errorUnavailable',
  'omnisend.rate-limited': 'errorRateLimited',
  'duplicate-name': 'errorDuplicateName',
  'different-brand': 'errorDifferentBrand',
  'connection-in-use': 'errorConnectionInUse',
  'administrator-only': 'errorAdministratorOnly',
  'wrong-passphrase': 'errorWrongPassphrase',
  'too-many-attempts': 'errorTooManyAttempts',
  'vault-locked': 'errorVaultLocked',
  'vault-key-missing': 'errorVaultKeyMissing',
  'not-found': 'errorNotFound',
  internal: 'errorUnexpected',
  'storage-unavailable': 'errorStorageUnavailable',
  'storage-full': 'errorStorageFull',
  'source-in-use': 'errorSourceInUse',
  'file-empty': 'errorFileEmpty',
  'duplicate-export-name': 'errorDuplicateExportName',
  'export-changed': 'errorExportChanged',
  'tag-invalid': 'exportTagEmpty',
  'tag-duplicate': 'errorTagDuplicate',
  'segment-missing': 'errorSegmentMissing',
  'connection-missing': 'errorConnectionMissing',
  'upload-unknown': 'errorUploadUnknown',
  'sign-in.cancelled': 'errorSignInCancelled',
  'sign-in.required': 'errorSignInRequired',
  'sign-in.failed': 'errorSignInFailed',
  'sign-in.state-mismatch': 'errorSignInFailed',
  'sign-in.unexpected-response': 'errorSignInFailed',
  'sign-in.network-error': 'errorCustomerInsightsUnreachable',
  'customer-insights.network-error': 'errorCustomerInsightsUnreachable',
  'customer-insights.timeout': 'errorCustomerInsightsUnreachable',
  'customer-insights.server-error': 'errorCustomerInsightsUnavailable',
  'customer-insights.rate-limited': 'errorCustomerInsightsUnavailable',
  'customer-insights.invalid-subscription-key': 'errorSubscriptionKey',
  'customer-insights.access-denied': 'errorCustomerInsightsAccess',
  'customer-insights.not-found': 'errorEnvironmentNotFound',
};

export interface ErrorText {
  text: string;
  requestId: string | undefined;
}

export function errorText(error: unknown): ErrorText {
  if (!(error instanceof MessageError)) return { text: t('errorUnexpected'), requestId: undefined };
  const key = errorKeys[error.code];
  // A code without a translation still says something true: the worker's own English sentence.
  return { text: key ? t(key) : error.message, requestId: error.requestId };
}
