export type { DateOrder } from './calendar-date.ts';
export type { FieldResult, RejectionReason } from './field-result.ts';
export { type FieldRejection, type MapOptions, type MapResult, mapProfile } from './map-profile.ts';
export {
  contactEmail,
  type EmailIdentifier,
  type MappedContact,
  type PhoneIdentifier,
} from './mapped-contact.ts';
export { type Mapping, mappingSchema } from './mapping.ts';
export { defaultDateOrder, normalizeBirthdate } from './normalize-birthdate.ts';
export { type ConsentStatus, normalizeConsent, normalizeTimestamp } from './normalize-consent.ts';
export { isCountryCode, normalizeCountry } from './normalize-country.ts';
export { normalizeEmail } from './normalize-email.ts';
export { type Gender, normalizeGender } from './normalize-gender.ts';
export { normalizePhone } from './normalize-phone.ts';
export {
  isPropertyName,
  normalizePropertyName,
  normalizePropertyValue,
  type PropertyValue,
} from './normalize-property.ts';
export { suggestMapping } from './suggest-mapping.ts';
