import { FileParseError } from './parsed-page.ts';

export type FileFormat = 'csv' | 'tsv' | 'json-lines';
export type Delimiter = ',' | ';' | '\t' | '|';

const delimiters: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * The format from the file name when it says, otherwise from the first text: JSON lines start
 * with `{`. A JSON array (`[`) would need the whole file in memory, so it is refused.
 */
export function detectFormat(fileName: string | undefined, firstText: string): FileFormat {
  const extension = /\.([A-Za-z]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (extension === 'tsv' || extension === 'tab') return 'tsv';
  if (extension === 'jsonl' || extension === 'ndjson') return 'json-lines';
  const first = firstText.trimStart()[0];
  if (first === '[') throw new FileParseError('format-unsupported');
  if (first === '{' || extension === 'json') return 'json-lines';
  return 'csv';
}

/**
 * The delimiter of a header line: the candidate found most often outside quotes; on a tie the
 * earlier in `, ; \t |`. A single-column file has none, and comma is as good as any.
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const candidate of delimiters) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}
