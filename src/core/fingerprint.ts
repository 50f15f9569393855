import type { MappedContact } from './mapping/mapped-contact.ts';

/**
 * JSON with object keys sorted at every depth, so that equal data always gives the same text
 * whatever order its keys were built in. Like JSON.stringify, undefined properties are left out.
 * Built by appending to one string (no array per level): it runs for every contact of a run.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i] ?? null);
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/**
 * A 64-bit non-cryptographic hash of a string as 16 hex characters: two 32-bit multiply-xor lanes
 * (the cyrb53 construction, kept at full width). It only has to tell "changed" from "unchanged"
 * for one email at a time, fast enough for a million contacts per run; BigInt FNV-64 is not.
 */
export function hash64(text: string): string {
  hashLanes(text, lanes);
  return hex32(lanes[1]!) + hex32(lanes[0]!);
}

/** The same hash as a number of 52 bits, for hash tables that must not hold the strings. */
export function hash52(text: string): number {
  hashLanes(text, lanes);
  return (lanes[1]! & 0xfffff) * 0x1_0000_0000 + lanes[0]!;
}

const lanes = new Uint32Array(3);

/**
 * hash64's two lanes and a third, independent one, written into `out` without allocating: 96
 * bits that key a string where a string would cost too much memory (core/run/ledger-index.ts).
 */
export function hashLanes(text: string, out: Uint32Array): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let h3 = 0xc2b2ae35;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
    h3 = Math.imul(h3 ^ code, 2246822519);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h3 = Math.imul(h3 ^ (h3 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * What was sent for a contact, as a short stable string for the ledger: the same mapped fields
 * under the same mapping version give the same fingerprint, and any change in either gives another.
 */
export function fingerprintContact(contact: MappedContact, mappingVersion: string): string {
  return fingerprintContactJson(canonicalJson(contact), mappingVersion);
}

/** `fingerprintContact` of a contact whose `canonicalJson` is at hand. */
export function fingerprintContactJson(canonical: string, mappingVersion: string): string {
  return hash64(`${mappingVersion}\u0000${canonical}`);
}

/** Bytes of a string in UTF-8, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    const next = text.charCodeAt(i + 1);
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      // A surrogate pair: 2 UTF-16 units, 4 bytes. A lone surrogate becomes U+FFFD: 3 bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** A mapping version derived from the mapping itself (or any settings that shape what is sent). */
export function fingerprintValue(value: unknown): string {
  return hash64(canonicalJson(value));
}
