import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/fingerprint.ts';
import { LocalValidationError } from '../../../src/omnisend/errors.ts';
import { contactBatchBody, MAX_BATCH_BYTES } from '../../../src/omnisend/request-limits.ts';
import { type ContactRequest, parseContactJson, toContactJson } from '../../../src/omnisend/schemas.ts';
import { parseOutboxChunk } from '../../../src/storage/run-work.ts';

const ayse: ContactRequest = {
  identifiers: [{ type: 'email', id: 'ayse@example.com', sendWelcomeMessage: false }],
  firstName: 'Ayşe',
  lastName: 'Yılmaz',
};
const bo: ContactRequest = {
  identifiers: [{ type: 'email', id: 'bo@example.com', sendWelcomeMessage: false }],
};

describe('contacts queued as their JSON', () => {
  it('make the same batch body as the contacts themselves', () => {
    const fromObjects = JSON.parse(contactBatchBody([ayse, bo]));
    const fromJson = JSON.parse(contactBatchBody([toContactJson(ayse, canonicalJson), toContactJson(bo)]));
    expect(fromJson).toEqual(fromObjects);
    expect(fromJson).toEqual({ endpoint: 'contacts', method: 'POST', items: [ayse, bo] });
  });

  it('keep the batch limits: a body over 1 MB is refused before it leaves', () => {
    const big = toContactJson({ ...bo, lastName: 'x'.repeat(MAX_BATCH_BYTES) });
    expect(() => contactBatchBody([big])).toThrow(LocalValidationError);
  });

  it('are checked against the schema again when read back from storage', () => {
    expect(parseContactJson(toContactJson(ayse))).toBe(JSON.stringify(ayse));
    // Tags go inside an item only for a contact the brand snapshot proves new (the planner).
    const tagged = JSON.stringify({ ...ayse, tags: ['VIP'] });
    expect(parseContactJson(tagged)).toBe(tagged);
    expect(parseContactJson(JSON.stringify({ ...ayse, tags: 'VIP' }))).toBeNull();
    expect(parseContactJson('{"identifiers":[]}')).toBeNull();
    expect(parseContactJson('{not json')).toBeNull();
  });

  it('an outbox chunk stored before holds the contact object: read as its JSON', () => {
    const chunk = parseOutboxChunk({
      runId: 'r1',
      seq: 0,
      bytes: 10,
      items: [
        { email: 'bo@example.com', tag: 'VIP', position: 2, fingerprint: '00000000000000ff', contact: bo },
      ],
    });
    expect(chunk.items[0]?.contact).toBe(JSON.stringify(bo));
    expect(parseContactJson(chunk.items[0]!.contact)).not.toBeNull();
  });
});
