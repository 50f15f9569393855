import type { FieldError } from './problems.ts';

/**
 * A `ContactRequest` that already matched the OpenAPI schema, and the value rules the schema
 * cannot express (omnisend-api.md §3.2–3.3). Breaking one of these is bad *data*, answered 400
 * (or a rejected batch item) but not a contract violation: the client cannot know every address
 * is valid before Omnisend says so, and must report such rows.
 */

export type SubscriptionStatus = 'subscribed' | 'nonSubscribed' | 'unsubscribed';

export interface ChannelRequest {
  status: SubscriptionStatus;
  statusChangedAt?: string;
}

export interface ConsentRequest {
  source?: string;
  createdAt?: string;
  ip?: string;
  userAgent?: string;
}

export interface IdentifierRequest {
  type: 'email' | 'phone';
  id: string;
  channels?: Record<string, ChannelRequest>;
  consent?: ConsentRequest;
  sendWelcomeMessage?: boolean;
  source?: string;
}

export const CONTACT_FIELDS = [
  'firstName',
  'lastName',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'countryCode',
  'birthdate',
  'gender',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export type ContactRequest = Partial<Record<ContactField, string>> & {
  identifiers?: IdentifierRequest[];
  tags?: string[];
  customProperties?: Record<string, unknown>;
  createdAt?: string;
};

// Pragmatic address syntax: something@domain.tld, no spaces, no empty labels.
const emailPattern =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const e164Pattern = /^\+[1-9]\d{6,14}$/;
const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const customPropertyName = /^[A-Za-z0-9_]{1,128}$/;
/** Custom property limits from the contacts documentation (D-CONTACTS-v4, linked from 2026). */
const MAX_CUSTOM_PROPERTIES = 200;
const MAX_CUSTOM_STRING = 2048;

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value) && !value.split('@')[0]?.includes('..');
}

export function parseTimestamp(value: string): number | undefined {
  if (!rfc3339Pattern.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(value);
}

/**
 * Value errors of a schema-valid request. `requireEmail`: the upsert (POST /contacts, batch items)
 * is keyed on the email identifier; the sandbox does not model phone-only contacts.
 */
export function contactValueErrors(
  request: ContactRequest,
  options: { requireEmail: boolean },
): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, code: string, message: string) => errors.push({ field, code, message });
  const identifiers = request.identifiers ?? [];
  const emails = identifiers.filter((identifier) => identifier.type === 'email');
  if (options.requireEmail && emails.length === 0) {
    add('identifiers', 'required', 'An email identifier is required');
  }
  if (emails.length > 1) add('identifiers', 'invalid_value', 'A contact has at most one email identifier');

  for (const [index, identifier] of identifiers.entries()) {
    const at = `identifiers.${index}`;
    if (identifier.type === 'email' && !isValidEmail(identifier.id)) {
      add(`${at}.id`, 'invalid_format', 'Must be a valid email address');
    }
    if (identifier.type === 'phone' && !e164Pattern.test(identifier.id)) {
      add(`${at}.id`, 'invalid_format', 'Must be a phone number in E.164 format');
    }
    const channel = identifier.type === 'email' ? 'email' : 'sms';
    for (const [name, value] of Object.entries(identifier.channels ?? {})) {
      if (name !== channel) {
        add(
          `${at}.channels.${name}`,
          'invalid_value',
          `A ${identifier.type} identifier has only the ${channel} channel`,
        );
      }
      if (value.statusChangedAt !== undefined && parseTimestamp(value.statusChangedAt) === undefined) {
        add(`${at}.channels.${name}.statusChangedAt`, 'invalid_format', 'Must be an RFC3339 timestamp');
      }
    }
    const consentCreated = identifier.consent?.createdAt;
    if (consentCreated !== undefined && parseTimestamp(consentCreated) === undefined) {
      add(`${at}.consent.createdAt`, 'invalid_format', 'Must be an RFC3339 timestamp');
    }
  }

  if (request.countryCode !== undefined && !/^[A-Za-z]{2}$/.test(request.countryCode)) {
    add('countryCode', 'invalid_format', 'Must be an ISO 3166-1 alpha-2 country code');
  }
  if (request.birthdate !== undefined && !isCalendarDate(request.birthdate)) {
    add('birthdate', 'invalid_format', 'Must be a date in YYYY-MM-DD format');
  }
  if (request.createdAt !== undefined && parseTimestamp(request.createdAt) === undefined) {
    add('createdAt', 'invalid_format', 'Must be an RFC3339 timestamp');
  }

  const properties = Object.entries(request.customProperties ?? {});
  if (properties.length > MAX_CUSTOM_PROPERTIES) {
    add('customProperties', 'invalid_length', `At most ${MAX_CUSTOM_PROPERTIES} custom properties`);
  }
  for (const [name, value] of properties) {
    const field = `customProperties.${name}`;
    if (!customPropertyName.test(name)) {
      add(field, 'invalid_format', 'Names use only latin letters, digits and _ (at most 128)');
    }
    if (typeof value === 'string' && value.length > MAX_CUSTOM_STRING) {
      add(field, 'invalid_length', `Text values are at most ${MAX_CUSTOM_STRING} characters`);
    }
    const scalar = (item: unknown) => ['string', 'number', 'boolean'].includes(typeof item);
    if (!scalar(value) && !(Array.isArray(value) && value.every(scalar))) {
      add(field, 'invalid_type', 'Nested objects are not supported');
    }
  }
  return errors;
}
