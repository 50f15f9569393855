import { isUnreadableText } from '../unreadable-text.ts';
import { delimitedParser } from './delimited-parser.ts';
import { type Delimiter, detectFormat, type FileFormat } from './detect-format.ts';
import { jsonLinesParser } from './json-lines-parser.ts';
import type { ParsedPage, RecordSink, TextParser } from './parsed-page.ts';
import { type ByteSource, textChunks } from './text-chunks.ts';
import type { TextEncoding } from './text-encoding.ts';

export interface ParseFileOptions {
  /** Used to tell the format (.csv, .tsv, .jsonl, …) when `format` is not given. */
  fileName?: string;
  format?: FileFormat;
  /** The file's text encoding; default UTF-8. detectEncoding tells it. */
  encoding?: TextEncoding;
  /**
   * For CSV; detected from the header line when not given. TSV is always tab. Excel's `sep=` first
   * line wins over both.
   */
  delimiter?: Delimiter;
  /** Rows plus errors per page; default 1000. */
  pageSize?: number;
  /** Characters one record may take before it counts as broken; default 1 MiB. */
  maxRecordLength?: number;
}

// Enough text to see the first line's format even after a long run of blank lines.
const sniffLength = 4096;
/**
 * Text the parser takes at a time. A browser reads a file in chunks of up to about 1 MB (Chromium
 * 156: 64 KiB growing to 960 KiB), some 30,000 rows; parsed at once, one chunk kept the options
 * page busy for 300–400 ms. In slices, pages come out as they fill and the consumer gets a turn
 * between them.
 */
const SLICE_CHARS = 64 * 1024;

/** `text` in slices of at most SLICE_CHARS, never between the two halves of a surrogate pair. */
export function* textSlices(text: string, size = SLICE_CHARS): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - 1 > at) end--;
    yield text.slice(at, end);
    at = end;
  }
}

/**
 * The rows of a CSV, TSV or JSON lines file, page by page, read from a byte stream without ever
 * holding the whole file. Each page holds at most `pageSize` rows and errors together; a broken
 * record is an error in its page, not the end of the file. Rows holding text the encoding could
 * not decode are listed by line. A file that cannot be read at all
 * (no header, a JSON array) throws a FileParseError.
 */
export async function* parseFile(
  source: ByteSource,
  options: ParseFileOptions = {},
): AsyncGenerator<ParsedPage> {
  const pageSize = Math.max(1, options.pageSize ?? 1000);
  const maxRecordLength = options.maxRecordLength ?? 1 << 20;
  let page = emptyPage([]);
  const ready: ParsedPage[] = [];
  const sink: RecordSink = {
    fields(names) {
      page.fields = names;
    },
    row(line, values) {
      page.rows.push({ line, values });
      if (Object.values(values).some(isUnreadableText)) page.unreadableLines.push(line);
      if (page.rows.length + page.errors.length >= pageSize) flush();
    },
    error(line, reason) {
      page.errors.push({ line, reason });
      if (page.rows.length + page.errors.length >= pageSize) flush();
    },
  };
  function flush(): void {
    ready.push(page);
    page = emptyPage(page.fields);
  }

  let parser: TextParser | undefined;
  let head = '';
  for await (const text of textChunks(source, options.encoding)) {
    let fresh: string;
    if (parser !== undefined) {
      fresh = text;
    } else {
      head += text;
      if (head.trim() === '' && head.length < sniffLength) continue;
      parser = createParser(head, options, maxRecordLength, sink);
      fresh = head;
    }
    for (const slice of textSlices(fresh)) {
      parser.push(slice);
      yield* ready.splice(0);
    }
  }
  if (parser === undefined) {
    parser = createParser(head, options, maxRecordLength, sink);
    parser.push(head);
  }
  parser.end();
  yield* ready.splice(0);
  if (page.rows.length > 0 || page.errors.length > 0) yield page;
}

function createParser(
  head: string,
  options: ParseFileOptions,
  maxRecordLength: number,
  sink: RecordSink,
): TextParser {
  const format = options.format ?? detectFormat(options.fileName, head);
  if (format === 'json-lines') return jsonLinesParser({ maxRecordLength }, sink);
  const delimiter = format === 'tsv' ? '\t' : options.delimiter;
  return delimitedParser(
    delimiter === undefined ? { maxRecordLength } : { delimiter, maxRecordLength },
    sink,
  );
}

function emptyPage(fields: readonly string[]): ParsedPage {
  return { fields, rows: [], errors: [], unreadableLines: [] };
}
