import type { ConsentStatus } from './normalize-consent.ts';
import type { Gender } from './normalize-gender.ts';
import type { PropertyValue } from './normalize-property.ts';

export interface EmailIdentifier {
  type: 'email';
  id: string;
  sendWelcomeMessage: false;
  channels?: { email: { status: ConsentStatus; statusChangedAt?: string } };
}

/** Omnisend has no phone field on a contact: a phone is a second identifier, without channels. */
export interface PhoneIdentifier {
  type: 'phone';
  id: string;
  sendWelcomeMessage: false;
}

/**
 * One contact as the body of Omnisend's `ContactRequest` (API 2026-03-15), holding only the fields
 * that have a value. Never `tags`: in an upsert they would replace all of a contact's tags.
 */
export interface MappedContact {
  identifiers: [EmailIdentifier] | [EmailIdentifier, PhoneIdentifier];
  firstName?: string;
  lastName?: string;
  address?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryCode?: string;
  birthdate?: string;
  gender?: Gender;
  customProperties?: Record<string, PropertyValue>;
}

export function contactEmail(contact: MappedContact): string {
  return contact.identifiers[0].id;
}
