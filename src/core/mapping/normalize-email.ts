import { accept, type FieldResult, reject } from './field-result.ts';

const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const topLevelLabel = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const nonAscii = /[\u0080-\uffff]/;

/**
 * The one form of an email address used for sending, de-duplicating and the ledger: trimmed and
 * lower-cased, because Omnisend treats identifiers case-sensitively.
 *
 * The practical rule for non-ASCII (decided): a Unicode domain is accepted and sent in its IDNA
 * (punycode) form, which every mail system understands; a non-ASCII local part is rejected with
 * 'email-non-ascii', because SMTPUTF8 mailboxes are rarely deliverable and their case is not
 * foldable safely. Lower-casing is ASCII-only, so it does not depend on the runtime locale:
 * `ALİ@X.COM` is rejected (its local part holds İ) rather than silently becoming `ali̇@x.com`.
 */
export function normalizeEmail(value: unknown): FieldResult<string> {
  if (typeof value !== 'string' || value.trim() === '') return reject('email-missing');
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return reject('email-invalid');
  const local = trimmed.slice(0, at);
  if (nonAscii.test(local)) return reject('email-non-ascii');
  const domain = asciiDomain(trimmed.slice(at + 1));
  if (domain === undefined) return reject('email-invalid');
  const email = `${lowerAscii(local)}@${domain}`;
  if (local.length > 64 || email.length > 254) return reject('email-too-long');
  if (!localPart.test(local) || !isDomain(domain)) return reject('email-invalid');
  return accept(email);
}

function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function asciiDomain(domain: string): string | undefined {
  if (!nonAscii.test(domain)) return lowerAscii(domain);
  // The URL parser applies IDNA (UTS #46) mapping, the same one browsers use for host names.
  if (/[\s/?#@:\\[\]%]/.test(domain)) return undefined;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return undefined;
  }
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253) return false;
  const top = labels[labels.length - 1] ?? '';
  return labels.every((label) => domainLabel.test(label)) && topLevelLabel.test(top);
}
