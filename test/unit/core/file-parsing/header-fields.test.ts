import { describe, expect, it } from 'vitest';
import { headerFields } from '../../../../src/core/file-parsing/header-fields.ts';
import { FileParseError } from '../../../../src/core/file-parsing/parsed-page.ts';

describe('headerFields', () => {
  it.each([
    [
      ['Email', 'Name'],
      ['Email', 'Name'],
    ],
    [
      [' Email ', '\tName'],
      ['Email', 'Name'],
    ],
    [
      ['Email', 'Email', 'Email'],
      ['Email', 'Email_2', 'Email_3'],
    ],
    [
      ['Email', 'Email', 'Email_2'],
      ['Email', 'Email_3', 'Email_2'],
    ],
    [
      ['Email', '', 'Name', ' '],
      ['Email', 'column_2', 'Name', 'column_4'],
    ],
    [
      ['column_2', ''],
      ['column_2', 'column_2_2'],
    ],
    [
      ['email', 'Email'],
      ['email', 'Email'],
    ],
  ])('names the columns %j as %j', (names, fields) => {
    expect(headerFields(names)).toEqual(fields);
  });

  it('refuses a header without any name', () => {
    expect(() => headerFields(['', ' ', ''])).toThrow(FileParseError);
  });
});
