import { describe, expect, it } from 'vitest';
import { readRecord } from '../../../../src/core/file-parsing/read-record.ts';

const comma = ','.charCodeAt(0);

describe('readRecord', () => {
  it.each([
    ['a,b,c\n', ['a', 'b', 'c'], 1],
    ['a,b,c\r\n', ['a', 'b', 'c'], 1],
    ['a,,\n', ['a', '', ''], 1],
    ['"a,b",c\n', ['a,b', 'c'], 1],
    ['"say ""hi""",x\n', ['say "hi"', 'x'], 1],
    ['"two\nlines",x\n', ['two\nlines', 'x'], 2],
    ['"three\r\nlines\rhere",x\n', ['three\r\nlines\rhere', 'x'], 3],
    ['"",x\n', ['', 'x'], 1],
    ['"quoted"tail,x\n', ['quotedtail', 'x'], 1],
    ['un"quoted,x\n', ['un"quoted', 'x'], 1],
    [' padded ,x\n', [' padded ', 'x'], 1],
  ])('reads %j as %j over %i line break(s)', (text, fields, lineBreaks) => {
    expect(readRecord(text, 0, comma, false)).toEqual({
      kind: 'record',
      fields,
      end: text.length,
      lineBreaks,
      blank: false,
    });
  });

  it('ends a record at a lone carriage return once the next character shows it is alone', () => {
    expect(readRecord('a,b\rc', 0, comma, false)).toEqual({
      kind: 'record',
      fields: ['a', 'b'],
      end: 4,
      lineBreaks: 1,
      blank: false,
    });
    expect(readRecord('a,b\r', 0, comma, true)).toEqual({
      kind: 'record',
      fields: ['a', 'b'],
      end: 4,
      lineBreaks: 1,
      blank: false,
    });
  });

  it('reads the last record without a line break only at the end of the text', () => {
    expect(readRecord('a,b', 0, comma, false)).toEqual({ kind: 'incomplete' });
    expect(readRecord('a,b', 0, comma, true)).toEqual({
      kind: 'record',
      fields: ['a', 'b'],
      end: 3,
      lineBreaks: 0,
      blank: false,
    });
  });

  it.each(['"open', '"open\nstill', '"closed"', 'a,"b"', 'a,b\r', 'a,'])(
    'waits for more text when %j may go on in the next chunk',
    (text) => {
      expect(readRecord(text, 0, comma, false)).toEqual({ kind: 'incomplete' });
    },
  );

  it('reports a quote that the end of the text never closes', () => {
    expect(readRecord('a,"open\nmore', 0, comma, true)).toEqual({ kind: 'unterminated' });
  });

  it.each([
    ['\n', true],
    ['   \n', true],
    ['""\n', false],
    [',\n', false],
  ])('tells whether %j is a blank line (%s)', (text, blank) => {
    const read = readRecord(text, 0, comma, true);
    expect(read.kind === 'record' && read.blank).toBe(blank);
  });

  it('starts at the given offset', () => {
    expect(readRecord('skip\nx,y\n', 5, comma, false)).toEqual({
      kind: 'record',
      fields: ['x', 'y'],
      end: 9,
      lineBreaks: 1,
      blank: false,
    });
  });
});
