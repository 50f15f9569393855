import { type ParseFileOptions, parseFile } from '../../../../src/core/file-parsing/parse-file.ts';
import type { ParsedPage, ParsedRow, RecordError } from '../../../../src/core/file-parsing/parsed-page.ts';

const encoder = new TextEncoder();

export function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The bytes cut at the given offsets, as an async iterable of chunks. */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.slice(from, cut);
    from = cut;
  }
  yield bytes.slice(from);
}

export interface Parsed {
  pages: ParsedPage[];
  fields: readonly string[];
  rows: ParsedRow[];
  errors: RecordError[];
}

export async function parseAll(
  source: string | Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  options: ParseFileOptions = {},
): Promise<Parsed> {
  const input =
    typeof source === 'string'
      ? chunked(bytesOf(source))
      : source instanceof Uint8Array
        ? chunked(source)
        : source;
  const pages: ParsedPage[] = [];
  for await (const page of parseFile(input, options)) pages.push(page);
  return {
    pages,
    fields: pages.at(-1)?.fields ?? [],
    rows: pages.flatMap((page) => page.rows),
    errors: pages.flatMap((page) => page.errors),
  };
}
