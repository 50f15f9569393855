import { labelScript } from './domain-script.ts';
import { accept, type FieldResult, reject } from './field-result.ts';

const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const asciiTopLevel = /^[a-z]{2,63}$/;
const nonAscii = /[\u0080-\uffff]/;
// The full stops IDNA (UTS #46) reads as label separators.
const labelSeparators = /[.\u3002\uff0e\uff61]/;
const unicodeLabel = /^[\p{L}\p{M}0-9-]+$/u;
const unicodeTopLevel = /^[\p{L}\p{M}]+$/u;

/**
 * The one form of an email address used for sending, de-duplicating and the ledger: trimmed and
 * lower-cased, because Omnisend treats identifiers case-sensitively.
 *
 * The practical rule for non-ASCII (decided): a Unicode domain is accepted and sent in its IDNA
 * (punycode) form, which every mail system understands, but only when it is a genuine
 * internationalised name – each label letters of one script, that IDNA keeps as written apart from
 * case. Anything IDNA would rewrite into another address is rejected: `example.com™` would become
 * `example.comtm`, full-width `ｅｘａｍｐｌｅ` plain `example`, and a label mixing Latin and Cyrillic is
 * a spoof. The top-level domain must be letters. A non-ASCII local part is rejected with
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

/** The domain as typed, lower-cased, when it is not plain ASCII; for look-alike checks. */
export function unicodeDomainOf(email: string): string {
  return email
    .slice(email.lastIndexOf('@') + 1)
    .trim()
    .normalize('NFC')
    .toLowerCase();
}

function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function asciiDomain(domain: string): string | undefined {
  if (!nonAscii.test(domain)) return lowerAscii(domain);
  const labels = domain.split(labelSeparators);
  if (!labels.every(isGenuineLabel)) return undefined;
  if (!unicodeTopLevel.test(labels.at(-1) ?? '') && nonAscii.test(labels.at(-1) ?? '')) return undefined;
  let hostname: string;
  try {
    // The URL parser applies IDNA (UTS #46) mapping, the same one browsers use for host names.
    hostname = new URL(`http://${labels.join('.')}/`).hostname;
  } catch {
    return undefined;
  }
  const converted = hostname.split('.');
  // A non-ASCII label IDNA turned into plain letters was rewritten, not encoded.
  const rewritten = labels.some((label, i) => nonAscii.test(label) && !converted[i]?.startsWith('xn--'));
  return rewritten || converted.length !== labels.length ? undefined : hostname;
}

function isGenuineLabel(label: string): boolean {
  if (!nonAscii.test(label)) return true;
  if (!unicodeLabel.test(label)) return false;
  // IDNA may change case; any other rewriting (width, compatibility forms) makes another name.
  if (label.normalize('NFKC').toLowerCase() !== label.normalize('NFC').toLowerCase()) return false;
  return labelScript(label) !== undefined;
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253) return false;
  const top = labels[labels.length - 1] ?? '';
  return (
    labels.every((label) => domainLabel.test(label)) && (asciiTopLevel.test(top) || top.startsWith('xn--'))
  );
}
