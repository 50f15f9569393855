import { isUnreadableText } from '../unreadable-text.ts';
import { isBlank, textOf } from './blank.ts';
import type { DateOrder } from './calendar-date.ts';
import type { RejectionReason } from './field-result.ts';
import { mailboxLookalike } from './mailbox-lookalike.ts';
import type { EmailIdentifier, MappedContact } from './mapped-contact.ts';
import { type Mapping, textAttributes } from './mapping.ts';
import { defaultDateOrder, normalizeBirthdate } from './normalize-birthdate.ts';
import { normalizeConsent, normalizeTimestamp } from './normalize-consent.ts';
import { isCountryPlaceholder, normalizeCountry } from './normalize-country.ts';
import { normalizeEmail, unicodeDomainOf } from './normalize-email.ts';
import { normalizeGender } from './normalize-gender.ts';
import { normalizePhone } from './normalize-phone.ts';
import { normalizePropertyValue, type PropertyValue } from './normalize-property.ts';

export interface MapOptions {
  /**
   * How to read ambiguous dates like 03/04/1990. One order for the whole export, because it is a
   * property of the system that wrote the data, not of each person's country. Default: from
   * the mapping's `defaultCountry` (month first for the US and a few others), otherwise day first.
   */
  dateOrder?: DateOrder;
  /** `YYYY-MM-DD`, the latest possible birthdate; default today in UTC. */
  today?: string;
}

/** One value that could not be used: `attribute` is the contact side, `field` the source side. */
export interface FieldRejection {
  attribute: string;
  field: string;
  reason: RejectionReason;
  value?: string;
}

export type MapResult =
  | {
      ok: true;
      contact: MappedContact;
      /** Values left out of the contact, or parts of them (a phone's extension). */
      notes: FieldRejection[];
      /** Values sent as they are but worth a look (an address at a look-alike of gmail.com). */
      warnings: FieldRejection[];
    }
  | { ok: false; rejection: FieldRejection };

const maxShownValueLength = 200;

/**
 * A source row as an Omnisend contact. Only an unusable email rejects the row; any other unusable
 * value is left out of the contact and reported in `notes`. Blank values are left out silently,
 * and so is a country placeholder (`N/A`, `yok`): it means no country.
 */
export function mapProfile(
  row: Readonly<Record<string, unknown>>,
  mapping: Mapping,
  options: MapOptions = {},
): MapResult {
  const notes: FieldRejection[] = [];
  const note = (attribute: string, field: string, reason: RejectionReason) => {
    notes.push(rejection(attribute, field, reason, valueAt(row, field)));
  };
  /**
   * A present value that a wrong encoding garbled is noted and left out: sent, it would overwrite
   * a good value in Omnisend.
   */
  const readable = (attribute: string, field: string | undefined): field is string => {
    if (present(row, field) === undefined) return false;
    if (!isUnreadable(valueAt(row, field as string))) return true;
    note(attribute, field as string, 'text-unreadable');
    return false;
  };

  const rawEmail = valueAt(row, mapping.email);
  const email = isUnreadable(rawEmail)
    ? ({ ok: false, reason: 'text-unreadable' } as const)
    : normalizeEmail(rawEmail);
  if (!email.ok) return { ok: false, rejection: rejection('email', mapping.email, email.reason, rawEmail) };
  const emailIdentifier: EmailIdentifier = { type: 'email', id: email.value, sendWelcomeMessage: false };
  const contact: MappedContact = { identifiers: [emailIdentifier] };
  const lookalike = mailboxLookalike(unicodeDomainOf(String(rawEmail)));
  const warnings =
    lookalike === undefined ? [] : [rejection('email', mapping.email, 'email-lookalike', rawEmail)];

  for (const attribute of textAttributes) {
    const field = mapping[attribute];
    if (!readable(attribute, field)) continue;
    const text = textOf(valueAt(row, field));
    if (text === undefined) note(attribute, field, 'text-unsupported');
    else contact[attribute] = text.normalize('NFC');
  }

  let country = mapping.defaultCountry;
  const countryField = mapping.country;
  if (readable('countryCode', countryField) && !isCountryPlaceholder(valueAt(row, countryField))) {
    const code = normalizeCountry(valueAt(row, countryField));
    if (code.ok) contact.countryCode = country = code.value;
    else note('countryCode', countryField, code.reason);
  }

  const phoneField = mapping.phone;
  if (readable('phone', phoneField)) {
    const phone = normalizePhone(valueAt(row, phoneField), country);
    if (phone.ok) {
      const id = phone.value.number;
      contact.identifiers = [emailIdentifier, { type: 'phone', id, sendWelcomeMessage: false }];
      if (phone.value.droppedExtension !== undefined) note('phone', phoneField, 'phone-extension-dropped');
    } else note('phone', phoneField, phone.reason);
  }

  const order = options.dateOrder ?? defaultDateOrder(mapping.defaultCountry);
  const birthdateField = mapping.birthdate;
  if (readable('birthdate', birthdateField)) {
    const birthdate = normalizeBirthdate(valueAt(row, birthdateField), order, options.today ?? utcToday());
    if (birthdate.ok) contact.birthdate = birthdate.value;
    else note('birthdate', birthdateField, birthdate.reason);
  }

  const genderField = mapping.gender;
  if (readable('gender', genderField)) {
    const gender = normalizeGender(valueAt(row, genderField));
    if (gender.ok) contact.gender = gender.value;
    else note('gender', genderField, gender.reason);
  }

  const properties: [string, PropertyValue][] = [];
  for (const { name, field } of mapping.customProperties ?? []) {
    if (!readable(`customProperties.${name}`, field)) continue;
    const value = normalizePropertyValue(valueAt(row, field));
    if (value.ok) properties.push([name, value.value]);
    else note(`customProperties.${name}`, field, value.reason);
  }
  // fromEntries defines own properties, so a property named "__proto__" stays data.
  if (properties.length > 0) contact.customProperties = Object.fromEntries(properties);

  if (mapping.consent !== undefined && readable('consent', mapping.consent.field)) {
    mapConsent(row, mapping.consent, order, emailIdentifier, note);
  }
  return { ok: true, contact, notes, warnings };
}

/**
 * Channel status is sent only when the export maps a consent field. A "subscribed" needs its date
 * when a date field is mapped: without it Omnisend would take the status as new, and could
 * re-subscribe someone who unsubscribed there later (customer-insights.md §4, item 3).
 */
function mapConsent(
  row: Readonly<Record<string, unknown>>,
  consent: NonNullable<Mapping['consent']>,
  order: DateOrder,
  identifier: EmailIdentifier,
  note: (attribute: string, field: string, reason: RejectionReason) => void,
): void {
  const status = normalizeConsent(valueAt(row, consent.field));
  if (!status.ok) {
    note('consent', consent.field, status.reason);
    return;
  }
  if (consent.changedAtField === undefined) {
    identifier.channels = { email: { status: status.value } };
    return;
  }
  const changedAt = normalizeTimestamp(valueAt(row, consent.changedAtField), order);
  if (changedAt.ok) {
    identifier.channels = { email: { status: status.value, statusChangedAt: changedAt.value } };
    return;
  }
  if (status.value === 'unsubscribed') identifier.channels = { email: { status: status.value } };
  if (status.value === 'subscribed' || changedAt.reason === 'consent-date-invalid') {
    note('consent.changedAt', consent.changedAtField, changedAt.reason);
  }
}

// Own properties only: a source field named "constructor" must not read Object.prototype.
function valueAt(row: Readonly<Record<string, unknown>>, field: string): unknown {
  return Object.hasOwn(row, field) ? row[field] : undefined;
}

function isUnreadable(value: unknown): boolean {
  return typeof value === 'string' && isUnreadableText(value);
}

function present(row: Readonly<Record<string, unknown>>, field: string | undefined): string | undefined {
  return field !== undefined && !isBlank(valueAt(row, field)) ? field : undefined;
}

function rejection(
  attribute: string,
  field: string,
  reason: RejectionReason,
  value: unknown,
): FieldRejection {
  const shown = shownValue(value);
  return shown === undefined ? { attribute, field, reason } : { attribute, field, reason, value: shown };
}

function shownValue(value: unknown): string | undefined {
  if (isBlank(value)) return undefined;
  const text = typeof value === 'string' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  return text === undefined ? undefined : text.slice(0, maxShownValueLength);
}

function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}
