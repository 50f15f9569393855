import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunked, parseAll } from './parse-helpers.ts';

// The csv-spectrum corpus (npm csv-spectrum, BSD-2-Clause): CSV edge cases with the JSON every
// parser should read from them.
const corpus = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
const cases = readdirSync(join(corpus, 'csvs')).map((file) => {
  const name = file.replace(/\.csv$/, '');
  return {
    name,
    bytes: new Uint8Array(readFileSync(join(corpus, 'csvs', file))),
    // One case holds a single object where the others hold an array of rows.
    rows: [JSON.parse(readFileSync(join(corpus, 'json', `${name}.json`), 'utf8'))].flat() as Record<
      string,
      string
    >[],
  };
});

/**
 * csv-spectrum 2.0.0's own erratum: location_coordinates.json gives the phone as 1234567890 while
 * its CSV holds 2095257564. The CSV is the input, so its value is what a parser must read.
 */
const errata: Record<string, Record<string, string>> = {
  location_coordinates: { 'Contact Phone Number': '2095257564' },
};

function cutsEvery(size: number, length: number): number[] {
  return Array.from({ length: Math.ceil(length / size) }, (_, i) => i * size).slice(1);
}

describe('the csv-spectrum corpus', () => {
  it('has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const { name, bytes, rows: published } of cases) {
    const rows = published.map((row) => ({ ...row, ...errata[name] }));
    it(`reads ${name} as csv-spectrum says, at every chunk size down to one byte`, async () => {
      for (let size = 1; size <= bytes.length; size++) {
        const parsed = await parseAll(chunked(bytes, cutsEvery(size, bytes.length)), {
          fileName: `${name}.csv`,
        });
        expect(parsed.errors, `${name} in ${size}-byte chunks`).toEqual([]);
        expect(
          parsed.rows.map((row) => row.values),
          `${name} in ${size}-byte chunks`,
        ).toEqual(rows);
      }
    });
  }
});
