/** Why one record of a file was skipped. Stable codes; the UI translates them. */
export type RecordErrorReason =
  | 'field-count'
  | 'unterminated-quote'
  | 'record-too-long'
  | 'json-invalid'
  | 'json-not-object'
  /** Nested deeper than a value can be turned into text. */
  | 'json-too-deep'
  /** Its names would take the file past the fields (or field-name length) a mapping can hold. */
  | 'json-too-many-fields';

export interface ParsedRow {
  /** The physical line (1-based) where the record starts, as a spreadsheet would show it. */
  line: number;
  values: Record<string, string>;
}

export interface RecordError {
  line: number;
  reason: RecordErrorReason;
}

export interface ParsedPage {
  /** The file's fields: the header row, or for JSON lines every key seen so far. */
  fields: readonly string[];
  rows: ParsedRow[];
  errors: RecordError[];
  /** Lines of this page's rows with a value holding U+FFFD or NUL: the encoding is likely wrong. */
  unreadableLines: number[];
}

/** What a parser reports, record by record, in file order. */
export interface RecordSink {
  fields(names: readonly string[]): void;
  row(line: number, values: Record<string, string>): void;
  error(line: number, reason: RecordErrorReason): void;
}

/** A text parser fed one decoded chunk at a time. */
export interface TextParser {
  push(text: string): void;
  end(): void;
}

export type FileErrorCode = 'header-missing' | 'header-empty' | 'header-too-long' | 'format-unsupported';

/** The file as a whole cannot be read; unlike a RecordError, nothing after it is parsed. */
export class FileParseError extends Error {
  readonly code: FileErrorCode;

  constructor(code: FileErrorCode) {
    super(`File cannot be parsed: ${code}`);
    this.name = 'FileParseError';
    this.code = code;
  }
}

/**
 * Sets a value as an own property even for the key "__proto__", which plain assignment would
 * swallow, so that a column of that name is kept like any other.
 */
export function setValue(values: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
  else values[key] = value;
}
