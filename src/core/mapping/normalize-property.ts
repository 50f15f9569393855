import { textOf } from './blank.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { transliterate } from './transliterate.ts';

export type PropertyValue = string | number | boolean;

const maxNameLength = 128;
const maxValueLength = 2048;

/**
 * A custom property name in the only form Omnisend accepts, `^[A-Za-z0-9_]{1,128}$`:
 * "Müşteri Puanı" → "Musteri_Puani". Names are case-sensitive in Omnisend, so case is kept.
 */
export function normalizePropertyName(name: string): FieldResult<string> {
  const normalized = transliterate(name)
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, maxNameLength)
    .replace(/_+$/, '');
  return normalized === '' ? reject('property-name-invalid') : accept(normalized);
}

export function isPropertyName(name: string): boolean {
  return /^[A-Za-z0-9_]{1,128}$/.test(name);
}

/**
 * A custom property value. Numbers and booleans that the source gives typed stay typed, so that
 * Omnisend can filter on them; text is trimmed and must fit Omnisend's 2048 characters.
 */
export function normalizePropertyValue(value: unknown): FieldResult<PropertyValue> {
  if (typeof value === 'boolean') return accept(value);
  if (typeof value === 'number')
    return Number.isFinite(value) ? accept(value) : reject('property-value-unsupported');
  const text = textOf(value);
  if (text === undefined) return reject('property-value-unsupported');
  return text.length > maxValueLength ? reject('property-value-too-long') : accept(text);
}
