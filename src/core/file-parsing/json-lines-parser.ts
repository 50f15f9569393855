import { MAX_FIELD_NAME_LENGTH, MAX_FIELDS } from './header-fields.ts';
import { type RecordSink, setValue, type TextParser } from './parsed-page.ts';

/**
 * JSON lines: one object per line, fed text chunk by chunk. Scalars become their text, null
 * becomes blank, and a nested object or array is kept as its JSON text (decided: the row is still
 * usable, and the value can feed a custom property). Anything but an object is a broken record.
 */
export function jsonLinesParser(options: { maxRecordLength: number }, sink: RecordSink): TextParser {
  let buffer = '';
  let line = 1;
  let skipping = false;
  const fields: string[] = [];
  const known = new Set<string>();

  function process(atEnd: boolean): void {
    let pos = 0;
    for (;;) {
      const newline = buffer.indexOf('\n', pos);
      if (newline === -1 && !atEnd) {
        if (buffer.length - pos > options.maxRecordLength) {
          if (!skipping) sink.error(line, 'record-too-long');
          skipping = true;
          pos = buffer.length;
        }
        break;
      }
      const end = newline === -1 ? buffer.length : newline;
      if (skipping) skipping = false;
      else if (end - pos > options.maxRecordLength) sink.error(line, 'record-too-long');
      else take(buffer.slice(pos, end));
      if (newline === -1) {
        pos = buffer.length;
        break;
      }
      pos = newline + 1;
      line++;
    }
    buffer = buffer.slice(pos);
  }

  function take(text: string): void {
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      sink.error(line, 'json-invalid');
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      sink.error(line, 'json-not-object');
      return;
    }
    let entries: [string, string][];
    try {
      entries = Object.entries(parsed).map(([key, value]) => [key, textOf(value)]);
    } catch (error) {
      // JSON.stringify recurses: a value nested thousands deep overflows the stack.
      if (!(error instanceof RangeError)) throw error;
      sink.error(line, 'json-too-deep');
      return;
    }
    // A JSON line names its own fields; one that cannot be mapped loses its row, not the file.
    const unseen = entries.filter(([key]) => !known.has(key));
    if (
      fields.length + unseen.length > MAX_FIELDS ||
      unseen.some(([key]) => key.length > MAX_FIELD_NAME_LENGTH)
    ) {
      sink.error(line, 'json-too-many-fields');
      return;
    }
    const values: Record<string, string> = {};
    let added = false;
    for (const [key, value] of entries) {
      setValue(values, key, value);
      if (!known.has(key)) {
        known.add(key);
        fields.push(key);
        added = true;
      }
    }
    if (added) sink.fields([...fields]);
    sink.row(line, values);
  }

  return {
    push(text) {
      buffer += text;
      process(false);
    },
    end() {
      process(true);
    },
  };
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
