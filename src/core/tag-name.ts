import { hash64 } from './fingerprint.ts';
import { accept, type FieldResult, reject } from './mapping/field-result.ts';
import { transliterate } from './mapping/transliterate.ts';

const maxTagLength = 128;

/**
 * A tag in the characters Omnisend's own plugin sends, `[A-Za-z0-9 _-]`, at most 128 of them:
 * accented and Turkish letters become their ASCII letters ("Sadık Müşteriler" → "Sadik Musteriler"),
 * every other character becomes a space, and spaces are collapsed and trimmed. Case is kept.
 */
function reduceToTag(input: string): string {
  return transliterate(input)
    .replace(/[^A-Za-z0-9 _-]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, maxTagLength)
    .trimEnd();
}

/**
 * The default tag for a segment, from its display name. Never empty: a name with nothing left
 * (say, only Cyrillic or emoji) gives `segment-` and 8 hex characters of a hash of the segment id
 * (or of the name), stable across runs and distinct between segments.
 */
export function tagForSegment(displayName: string, segmentId = ''): string {
  const tag = reduceToTag(displayName);
  return tag !== '' ? tag : `segment-${hash64(segmentId || displayName).slice(0, 8)}`;
}

/**
 * A tag that a person typed. Reduced by the same rules; when nothing is left the UI must ask for
 * another tag instead of inventing one behind the user's back.
 */
export function sanitizeTag(input: string): FieldResult<string> {
  const tag = reduceToTag(input);
  return tag === '' ? reject('tag-empty') : accept(tag);
}
