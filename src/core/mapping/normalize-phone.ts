import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { textOf } from './blank.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { foldDigits } from './fold-digits.ts';

export interface PhoneValue {
  /** E.164, e.g. `+905321234567`. */
  number: string;
  /** An extension written after the number; Omnisend has no place for it, so it is dropped. */
  droppedExtension?: string;
}

// libphonenumber knows `ext`, `x` and `#`; people also write the word of their own language.
const extension =
  /\s*[,;]?\s*(?:ext\.?|extension|x|#|dahili|dah\.|durchwahl|dw\.|poste|p\.|interno|int\.|anexo|ramal|доб\.?)\s*[:.]?\s*(\d{1,7})\s*$/iu;

/**
 * A phone number in E.164 (`+905321234567`), read with libphonenumber's metadata around the
 * product's own rules:
 * - `+…` and `00…` are international wherever the row is from; so is the country's own
 *   international prefix (`011` from the US) through libphonenumber.
 * - A national number needs a country: the row's mapped country or the export's default.
 * - Digits that start with a calling code but no `+` are read as international when the national
 *   reading is impossible, or when the country dials a trunk prefix that the digits lack
 *   (`4915123456789` from Germany is +49 151…, not a German number starting 49…).
 * - An extension is dropped and reported; digits of any script count (`٠٥٣٢…`, `０５３２…`);
 *   `tel:` URIs are read.
 * - A number libphonenumber does not hold valid for its country is rejected.
 */
export function normalizePhone(value: unknown, country?: string): FieldResult<PhoneValue> {
  const text = textOf(value);
  if (text === undefined) return reject('phone-invalid');
  const written = splitExtension(foldDigits(text.normalize('NFKC')));
  if (written === undefined) return reject('phone-invalid');
  const parsed = readNumber(written.number, country);
  if (!parsed.ok) return parsed;
  return accept(
    written.extension === undefined
      ? { number: parsed.value.number }
      : { number: parsed.value.number, droppedExtension: written.extension },
  );
}

/** The E.164 number as a person reads it: `+90 532 123 45 67`. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

function readNumber(number: string, country: string | undefined): FieldResult<PhoneNumber> {
  const digitsStart = number.replace(/^[\s(]+/, '');
  if (digitsStart.startsWith('+')) return valid(parse(digitsStart));
  if (digitsStart.startsWith('00')) return valid(parse(`+${digitsStart.slice(2)}`));
  const home = country !== undefined && isSupportedCountry(country) ? (country as CountryCode) : undefined;
  if (home === undefined) return reject('phone-needs-country');
  const national = parse(number, home);
  const nationalValid = national?.isValid() === true;
  // One parse for the usual case; the reading without + only when it could win.
  if (nationalValid && !lacksTrunkPrefix(digitsStart, home)) return accept(national as PhoneNumber);
  const international = /^\d/.test(digitsStart) ? parse(`+${digitsStart}`) : undefined;
  if (international?.isValid()) return accept(international);
  return nationalValid ? accept(national as PhoneNumber) : reject('phone-invalid');
}

/**
 * Digits that begin with the country's own calling code and not with its trunk prefix, in a
 * country that has one: at home people write the trunk prefix, so these digits are the number
 * written for abroad without its `+`.
 */
function lacksTrunkPrefix(digits: string, country: CountryCode): boolean {
  const trunk = nationalPrefixOf(country);
  return (
    trunk !== undefined &&
    digits.replace(/\D/g, '').startsWith(getCountryCallingCode(country)) &&
    !digits.startsWith(trunk)
  );
}

const metadata = new Metadata();
const nationalPrefixes = new Map<CountryCode, string | undefined>();

/**
 * The country's trunk (national) prefix from libphonenumber's metadata. Its typings leave the
 * method out although the numbering plan has it, hence the guarded read.
 */
function nationalPrefixOf(country: CountryCode): string | undefined {
  if (nationalPrefixes.has(country)) return nationalPrefixes.get(country);
  metadata.selectNumberingPlan(country);
  const plan: unknown = metadata.numberingPlan;
  const read = (plan as { nationalPrefix?: unknown } | undefined)?.nationalPrefix;
  const prefix: unknown = typeof read === 'function' ? read.call(plan) : undefined;
  const found = typeof prefix === 'string' && /^\d+$/.test(prefix) ? prefix : undefined;
  nationalPrefixes.set(country, found);
  return found;
}

function parse(text: string, country?: CountryCode): PhoneNumber | undefined {
  return parsePhoneNumberFromString(text, {
    ...(country === undefined ? {} : { defaultCountry: country }),
    extract: false,
  });
}

function valid(number: PhoneNumber | undefined): FieldResult<PhoneNumber> {
  return number?.isValid() ? accept(number) : reject('phone-invalid');
}

function splitExtension(text: string): { number: string; extension?: string } | undefined {
  const uri = /^tel:([^;]*)(.*)$/i.exec(text);
  if (uri) {
    const extensionParameter = /;ext=(\d{1,7})(?:;|$)/i.exec(uri[2] ?? '')?.[1];
    const number = uri[1] ?? '';
    return extensionParameter === undefined ? { number } : { number, extension: extensionParameter };
  }
  const match = extension.exec(text);
  if (!match || match.index === 0) return { number: text };
  return { number: text.slice(0, match.index), extension: match[1] ?? '' };
}
