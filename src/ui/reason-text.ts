import type { CheckReason } from '../core/check/check-result.ts';
import type { RecordErrorReason } from '../core/file-parsing/parsed-page.ts';
import type { RejectionReason } from '../core/mapping/field-result.ts';
import { type MessageKey, t } from './i18n.ts';

const reasonKeys: Record<RejectionReason | RecordErrorReason | CheckReason, MessageKey> = {
  'email-missing': 'reasonEmailMissing',
  'email-invalid': 'reasonEmailInvalid',
  'email-non-ascii': 'reasonEmailNonAscii',
  'email-too-long': 'reasonEmailTooLong',
  'email-lookalike': 'reasonEmailLookalike',
  'email-duplicate': 'reasonEmailDuplicate',
  'country-unknown': 'reasonCountryUnknown',
  'phone-invalid': 'reasonPhoneInvalid',
  'phone-needs-country': 'reasonPhoneNeedsCountry',
  'phone-extension-dropped': 'reasonPhoneExtensionDropped',
  'birthdate-invalid': 'reasonBirthdateInvalid',
  'birthdate-out-of-range': 'reasonBirthdateOutOfRange',
  'gender-unknown': 'reasonGenderUnknown',
  'consent-unknown': 'reasonConsentUnknown',
  'consent-date-invalid': 'reasonConsentDateInvalid',
  'consent-date-missing': 'reasonConsentDateMissing',
  'property-name-invalid': 'reasonPropertyNameInvalid',
  'property-value-too-long': 'reasonPropertyValueTooLong',
  'property-value-unsupported': 'reasonPropertyValueUnsupported',
  'text-unsupported': 'reasonTextUnsupported',
  'text-unreadable': 'reasonTextUnreadable',
  'tag-empty': 'reasonTagEmpty',
  'field-count': 'reasonFieldCount',
  'unterminated-quote': 'reasonUnterminatedQuote',
  'record-too-long': 'reasonRecordTooLong',
  'json-invalid': 'reasonJsonInvalid',
  'json-not-object': 'reasonJsonNotObject',
  'json-too-deep': 'reasonJsonTooDeep',
  'json-too-many-fields': 'reasonJsonTooManyFields',
  'record-unreadable': 'reasonRecordUnreadable',
};

// Omnisend's refusal (or silence) and a contact too large for a batch, recorded by the engine; Omnisend's own words travel with each row.
const otherReasons: Record<string, MessageKey> = {
  'omnisend-rejected': 'reasonOmnisendRejected',
  'omnisend-unconfirmed': 'reasonOmnisendUnconfirmed',
  'contact-too-large': 'reasonContactTooLarge',
};
const keys = new Map(Object.entries({ ...reasonKeys, ...otherReasons }));

/** A rejection or parse reason code in the user's language; unknown codes as they are. */
export function reasonText(reason: string): string {
  const key = keys.get(reason);
  return key ? t(key) : reason;
}
