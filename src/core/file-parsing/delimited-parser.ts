import { type Delimiter, detectDelimiter } from './detect-format.ts';
import { headerFields } from './header-fields.ts';
import { FileParseError, type RecordSink, setValue, type TextParser } from './parsed-page.ts';
import { readRecord, skipLine } from './read-record.ts';

export interface DelimitedOptions {
  /** Detected from the header line when not given. */
  delimiter?: Delimiter;
  /** Longest record, in characters, before it counts as broken (an unclosed quote, usually). */
  maxRecordLength: number;
}

/**
 * CSV or TSV with a header row, fed text chunk by chunk. Only the unfinished record is kept
 * between chunks, so memory stays flat however long the file. A broken record (wrong field count,
 * a quote never closed, too long) is reported at its first line and skipped; parsing goes on with
 * the next line.
 */
export function delimitedParser(options: DelimitedOptions, sink: RecordSink): TextParser {
  let buffer = '';
  let line = 1;
  let delimiter = options.delimiter?.charCodeAt(0);
  let fields: string[] | undefined;
  // Inside an over-long line whose end has not arrived yet.
  let skipping = false;
  let separatorChecked = false;

  function process(atEnd: boolean): void {
    if (!separatorChecked) {
      const separator = separatorLine(buffer, atEnd);
      if (separator === 'more') return;
      separatorChecked = true;
      if (separator !== undefined) {
        delimiter = separator.delimiter;
        buffer = buffer.slice(separator.end);
        line++;
      }
    }
    if (skipping) {
      const skipped = skipLine(buffer, 0);
      buffer = buffer.slice(skipped.end);
      line += skipped.lineBreaks;
      skipping = skipped.lineBreaks === 0;
      if (skipping) return;
    }
    if (delimiter === undefined) {
      const header = firstLine(buffer, atEnd);
      if (header === undefined) return;
      delimiter = detectDelimiter(header).charCodeAt(0);
    }
    let pos = 0;
    while (pos < buffer.length) {
      const read = readRecord(buffer, pos, delimiter, atEnd);
      if (read.kind === 'incomplete' && buffer.length - pos <= options.maxRecordLength) break;
      if (read.kind !== 'record') {
        sink.error(line, read.kind === 'unterminated' ? 'unterminated-quote' : 'record-too-long');
        const skipped = skipLine(buffer, pos);
        pos = skipped.end;
        line += skipped.lineBreaks;
        skipping = skipped.lineBreaks === 0 && !atEnd;
        continue;
      }
      if (!read.blank) take(read.fields);
      pos = read.end;
      line += read.lineBreaks;
    }
    buffer = buffer.slice(pos);
  }

  function take(values: string[]): void {
    if (fields === undefined) {
      fields = headerFields(values);
      sink.fields(fields);
      return;
    }
    if (values.length !== fields.length) {
      sink.error(line, 'field-count');
      return;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < fields.length; i++) setValue(row, fields[i] as string, values[i] as string);
    sink.row(line, row);
  }

  return {
    push(text) {
      buffer += text;
      process(false);
    },
    end() {
      process(true);
      if (fields === undefined) throw new FileParseError('header-missing');
    },
  };
}

/**
 * Excel's `sep=;` first line, which names the delimiter and is not the header. 'more' while the
 * first line may still turn out to be one.
 */
function separatorLine(
  text: string,
  atEnd: boolean,
): { delimiter: number; end: number } | undefined | 'more' {
  const match = /^"?sep=([^\r\n])"?(\r\n|\r|\n|$)/i.exec(text);
  if (match === null)
    return !atEnd && text.length < 8 && /^"?(s(e(p(=)?)?)?)?$/i.test(text) ? 'more' : undefined;
  const [whole, delimiter = '', lineBreak] = match;
  if (!atEnd && (lineBreak === '' || (lineBreak === '\r' && whole.length === text.length))) return 'more';
  return { delimiter: delimiter.charCodeAt(0), end: whole.length };
}

/** The first line with content, once it is complete. */
function firstLine(text: string, atEnd: boolean): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const complete = atEnd ? lines : lines.slice(0, -1);
  return complete.find((candidate) => candidate.trim() !== '') ?? (atEnd ? '' : undefined);
}
