export type RecordRead =
  | { kind: 'record'; fields: string[]; end: number; lineBreaks: number; blank: boolean }
  | { kind: 'incomplete' }
  | { kind: 'unterminated' };

const QUOTE = 34;
const CR = 13;
const LF = 10;
const incomplete: RecordRead = { kind: 'incomplete' };
const unterminated: RecordRead = { kind: 'unterminated' };

/**
 * One RFC 4180 record of delimited text starting at `start`: quoted fields may hold delimiters,
 * doubled quotes and line breaks; a record ends at CRLF, LF or a lone CR. Text after a closing quote
 * is kept as written, as spreadsheets do. Until `atEnd`, a record that reaches the end of `text`
 * is 'incomplete' (more text may change it); at the end, an open quote is 'unterminated'.
 */
export function readRecord(text: string, start: number, delimiter: number, atEnd: boolean): RecordRead {
  const fields: string[] = [];
  let pos = start;
  let lineBreaks = 0;
  let quoted = false;
  for (;;) {
    let value: string;
    if (text.charCodeAt(pos) === QUOTE) {
      quoted = true;
      value = '';
      let from = pos + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return atEnd ? unterminated : incomplete;
        if (close + 1 === text.length && !atEnd) return incomplete;
        const segment = text.slice(from, close);
        lineBreaks += countLineBreaks(segment);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += `${segment}"`;
          from = close + 2;
          continue;
        }
        value += segment;
        pos = close + 1;
        break;
      }
      const end = fieldEnd(text, pos, delimiter);
      value += text.slice(pos, end);
      pos = end;
    } else {
      const end = fieldEnd(text, pos, delimiter);
      value = text.slice(pos, end);
      pos = end;
    }
    fields.push(value);
    if (pos >= text.length) {
      return atEnd
        ? { kind: 'record', fields, end: pos, lineBreaks, blank: isBlank(fields, quoted) }
        : incomplete;
    }
    const code = text.charCodeAt(pos);
    if (code === delimiter) {
      pos++;
      continue;
    }
    if (code === CR) {
      if (pos + 1 === text.length && !atEnd) return incomplete;
      pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
    } else {
      pos++;
    }
    return { kind: 'record', fields, end: pos, lineBreaks: lineBreaks + 1, blank: isBlank(fields, quoted) };
  }
}

function fieldEnd(text: string, from: number, delimiter: number): number {
  let pos = from;
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === delimiter || code === LF || code === CR) return pos;
    pos++;
  }
  return pos;
}

function isBlank(fields: string[], quoted: boolean): boolean {
  return !quoted && fields.length === 1 && (fields[0] ?? '').trim() === '';
}

export function countLineBreaks(text: string): number {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || (code === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** Where the line that `start` is on ends, past its line break, and whether there was one. */
export function skipLine(text: string, start: number): { end: number; lineBreaks: number } {
  for (let pos = start; pos < text.length; pos++) {
    const code = text.charCodeAt(pos);
    if (code === LF) return { end: pos + 1, lineBreaks: 1 };
    if (code === CR) return { end: text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1, lineBreaks: 1 };
  }
  return { end: text.length, lineBreaks: 0 };
}
