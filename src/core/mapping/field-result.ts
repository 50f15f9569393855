/**
 * Why one value could not be used. Stable codes, no English: the UI translates them, and the run
 * records keep them as data.
 */
export type RejectionReason =
  | 'email-missing'
  | 'email-invalid'
  | 'email-non-ascii'
  | 'email-too-long'
  | 'email-lookalike'
  | 'country-unknown'
  | 'phone-invalid'
  | 'phone-needs-country'
  | 'phone-extension-dropped'
  | 'birthdate-invalid'
  | 'birthdate-out-of-range'
  | 'gender-unknown'
  | 'consent-unknown'
  | 'consent-date-invalid'
  | 'consent-date-missing'
  | 'property-name-invalid'
  | 'property-value-too-long'
  | 'property-value-unsupported'
  | 'text-unsupported'
  | 'text-unreadable'
  | 'tag-empty';

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: RejectionReason };

export function accept<T>(value: T): FieldResult<T> {
  return { ok: true, value };
}

export function reject<T = never>(reason: RejectionReason): FieldResult<T> {
  return { ok: false, reason };
}
