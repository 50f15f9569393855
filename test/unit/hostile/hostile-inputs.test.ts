import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { detectEncoding, parseFile } from '../../../src/core/file-parsing/index.ts';
import { FileParseError } from '../../../src/core/file-parsing/parsed-page.ts';
import { mapProfile } from '../../../src/core/mapping/map-profile.ts';
import { mappingSchema } from '../../../src/core/mapping/mapping.ts';
import { sanitizeTag } from '../../../src/core/tag-name.ts';

/**
 * The hostile-input corpus (test/fixtures/hostile, README there): every file goes through the
 * real parser (encoding detection, format detection, records) and the real mapping, the way an
 * upload and a run take it, and the outcome must be exactly the one written in cases.json: which
 * lines are sent as which contact, which are skipped with which reason, which values are left out.
 * Duplicates merge as a run merges them: the first row of an email wins.
 */
const DIR = join(import.meta.dirname, '../../fixtures/hostile');
const TODAY = '2026-06-01';

const outcomeSchema = z
  .object({
    fileError: z.string().optional(),
    fields: z.array(z.string()).optional(),
    /** Sent lines: the contact's email and, where the case says, other attributes as sent. */
    sent: z.array(z.looseObject({ line: z.number(), email: z.string() })),
    /** Lines not sent, with the parser's or the mapping's reason. */
    skipped: z.array(z.object({ line: z.number(), reason: z.string() }).strict()),
    /** Values left out of a sent contact. */
    leftOut: z
      .array(z.object({ line: z.number(), field: z.string(), reason: z.string() }).strict())
      .default([]),
  })
  .strict();

const caseSchema = z
  .object({
    name: z.string(),
    /** A file of this directory, or a recipe the test builds (too large to keep in the repo). */
    file: z.string().optional(),
    generate: z
      .enum(['ten-megabyte-line', 'header-over-record-cap', 'json-nested-10000', 'long-fields'])
      .optional(),
    mapping: mappingSchema,
    expected: z.string(),
    outcome: outcomeSchema,
  })
  .strict();
type Case = z.infer<typeof caseSchema>;

const cases = z.array(caseSchema).parse(JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf-8')));

function generated(kind: NonNullable<Case['generate']>): { bytes: Uint8Array; fileName: string } {
  const text = (() => {
    switch (kind) {
      case 'ten-megabyte-line':
        return `Email,FirstName\nann@example.com,Ann\nbob@example.com,${'x'.repeat(10 * 1024 * 1024)}\ncem@example.com,Cem\n`;
      case 'header-over-record-cap':
        return `Email,${'H'.repeat(1100 * 1024)}\nann@example.com,Ann\n`;
      case 'json-nested-10000':
        return `{"Email":"ann@example.com","FirstName":"Ann","Deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}\n{"Email":"bob@example.com","FirstName":"Bob"}\n`;
      case 'long-fields':
        return `Email,FirstName,Note\nann@example.com,${'é'.repeat(5_000)},${'n'.repeat(5_000)}\nbob@example.com,Bob,short\n`;
    }
  })();
  return {
    bytes: new TextEncoder().encode(text),
    fileName: kind === 'json-nested-10000' ? 'deep.jsonl' : `${kind}.csv`,
  };
}

async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
}

async function outcomeOf(testCase: Case) {
  const { bytes, fileName } = testCase.file
    ? { bytes: new Uint8Array(readFileSync(join(DIR, testCase.file))), fileName: testCase.file }
    : generated(testCase.generate!);
  const encoding = await detectEncoding(chunks(bytes));
  const sent: Record<string, unknown>[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const leftOut: { line: number; field: string; reason: string }[] = [];
  const seen = new Set<string>();
  let fields: readonly string[] = [];
  try {
    for await (const page of parseFile(chunks(bytes), { fileName, encoding })) {
      fields = page.fields;
      for (const error of page.errors) skipped.push({ line: error.line, reason: error.reason });
      for (const row of page.rows) {
        const result = mapProfile(row.values, testCase.mapping, { today: TODAY });
        if (!result.ok) {
          skipped.push({ line: row.line, reason: result.rejection.reason });
          continue;
        }
        const { identifiers, ...attributes } = result.contact;
        const email = identifiers[0].id;
        if (seen.has(email)) {
          skipped.push({ line: row.line, reason: 'email-duplicate' });
          continue;
        }
        seen.add(email);
        sent.push({ line: row.line, email, ...attributes });
        for (const note of result.notes)
          leftOut.push({ line: row.line, field: note.field, reason: note.reason });
      }
    }
  } catch (error) {
    if (!(error instanceof FileParseError)) throw error;
    return { fileError: error.code, sent, skipped: skipped.sort((a, b) => a.line - b.line), leftOut };
  }
  return { fields: [...fields], sent, skipped: skipped.sort((a, b) => a.line - b.line), leftOut };
}

describe('hostile inputs', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const actual = await outcomeOf(testCase);
    if (process.env.HOSTILE_PRINT) console.log(JSON.stringify({ name: testCase.name, outcome: actual }));
    const { sent, ...rest } = testCase.outcome;
    // Each expected sent contact names the attributes it checks; the rest of the outcome is exact.
    expect(
      actual.sent.map((contact, i) => (sent[i] ? pick(contact, Object.keys(sent[i]!)) : contact)),
    ).toEqual(sent);
    expect({ ...actual, sent: undefined }).toEqual({ ...rest, sent: undefined });
  });

  test('segment and tag names like object properties are ordinary tags', () => {
    for (const name of ['__proto__', 'constructor', 'toString'])
      expect(sanitizeTag(name)).toEqual({ ok: true, value: name });
  });
});

function pick(contact: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, contact[key]]));
}
