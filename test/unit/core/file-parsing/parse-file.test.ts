import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../../../src/core/file-parsing/parse-file.ts';
import { FileParseError } from '../../../../src/core/file-parsing/parsed-page.ts';
import { bytesOf, chunked, parseAll } from './parse-helpers.ts';

describe('parseFile with delimited text', () => {
  it('reads a CSV file with a header into rows keyed by field, numbered by line', async () => {
    const parsed = await parseAll('Email,First name,City\na@x.com,Ayşe,İstanbul\nb@x.com,Işıl,İzmir\n');
    expect(parsed.fields).toEqual(['Email', 'First name', 'City']);
    expect(parsed.rows).toEqual([
      { line: 2, values: { Email: 'a@x.com', 'First name': 'Ayşe', City: 'İstanbul' } },
      { line: 3, values: { Email: 'b@x.com', 'First name': 'Işıl', City: 'İzmir' } },
    ]);
    expect(parsed.errors).toEqual([]);
  });

  it('drops a byte order mark and reads CRLF line ends', async () => {
    const parsed = await parseAll('\uFEFFEmail;Name\r\na@x.com;Ayşe\r\nb@x.com;Can\r\n');
    expect(parsed.fields).toEqual(['Email', 'Name']);
    expect(parsed.rows.map((r) => [r.line, r.values])).toEqual([
      [2, { Email: 'a@x.com', Name: 'Ayşe' }],
      [3, { Email: 'b@x.com', Name: 'Can' }],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering each record by its first line', async () => {
    const text =
      'Email,Note,City\na@x.com,"one, two","İzmir"\nb@x.com,"say ""hi""\nand\r\nbye",Ankara\nc@x.com,,Bursa';
    const parsed = await parseAll(text);
    expect(parsed.rows).toEqual([
      { line: 2, values: { Email: 'a@x.com', Note: 'one, two', City: 'İzmir' } },
      { line: 3, values: { Email: 'b@x.com', Note: 'say "hi"\nand\r\nbye', City: 'Ankara' } },
      { line: 6, values: { Email: 'c@x.com', Note: '', City: 'Bursa' } },
    ]);
  });

  it('skips blank lines, before the header too, while keeping line numbers true', async () => {
    const parsed = await parseAll('\n\nEmail,Name\n\na@x.com,A\n   \n\r\nb@x.com,B\n\n');
    expect(parsed.rows.map((r) => r.line)).toEqual([5, 8]);
    expect(parsed.errors).toEqual([]);
  });

  it('reports rows with the wrong number of fields by line and goes on', async () => {
    const parsed = await parseAll('Email,Name\na@x.com,A\nb@x.com\nc@x.com,C,extra\nd@x.com,D\n');
    expect(parsed.rows.map((r) => r.values.Email)).toEqual(['a@x.com', 'd@x.com']);
    expect(parsed.errors).toEqual([
      { line: 3, reason: 'field-count' },
      { line: 4, reason: 'field-count' },
    ]);
  });

  it('reports a quote that is never closed at the line it opened and resumes on the next line', async () => {
    const parsed = await parseAll('Email,Name\na@x.com,A\nb@x.com,"B\nc@x.com,C\nd@x.com,D');
    expect(parsed.errors).toEqual([{ line: 3, reason: 'unterminated-quote' }]);
    expect(parsed.rows.map((r) => [r.line, r.values.Email])).toEqual([
      [2, 'a@x.com'],
      [4, 'c@x.com'],
      [5, 'd@x.com'],
    ]);
  });

  it('gives up on a record longer than the limit and goes on after its first line', async () => {
    const parsed = await parseAll(`Email,Note\na@x.com,"${'x\n'.repeat(50)}\nb@x.com,B\n`, {
      maxRecordLength: 40,
    });
    expect(parsed.errors[0]).toEqual({ line: 2, reason: 'record-too-long' });
    expect(parsed.rows.at(-1)).toEqual({ line: 53, values: { Email: 'b@x.com', Note: 'B' } });
  });

  it.each([
    ['members.csv', 'Email;Name;City\na@x.com;A;B\n'],
    ['members.csv', 'Email|Name|City\na@x.com|A|B\n'],
    ['members.tsv', 'Email\tName\tCity\na@x.com\tA\tB\n'],
    ['members.txt', 'Email\tName\tCity\na@x.com\tA\tB\n'],
    [undefined, 'Email,Name,City\na@x.com,A,B\n'],
  ])('detects the delimiter of %s %j', async (fileName, text) => {
    const parsed = await parseAll(text, fileName === undefined ? {} : { fileName });
    expect(parsed.rows).toEqual([{ line: 2, values: { Email: 'a@x.com', Name: 'A', City: 'B' } }]);
  });

  it('keeps commas inside a TSV field as they are', async () => {
    const parsed = await parseAll('Email\tName\na@x.com\tDoe, Jane\n', { fileName: 'x.tsv' });
    expect(parsed.rows[0]?.values).toEqual({ Email: 'a@x.com', Name: 'Doe, Jane' });
  });

  it('uses the delimiter it is given', async () => {
    const parsed = await parseAll('Email;Name,Surname\na@x.com;Doe,Jane\n', { delimiter: ';' });
    expect(parsed.rows[0]?.values).toEqual({ Email: 'a@x.com', 'Name,Surname': 'Doe,Jane' });
  });

  it('renames repeated and empty header names so no column is lost', async () => {
    const parsed = await parseAll('Email, Email ,,Name\na,b,c,d\n');
    expect(parsed.rows[0]?.values).toEqual({ Email: 'a', Email_2: 'b', column_3: 'c', Name: 'd' });
  });

  it('keeps a column named __proto__ as an ordinary value', async () => {
    const parsed = await parseAll('Email,__proto__\na@x.com,x\n');
    expect(Object.keys(parsed.rows[0]?.values ?? {})).toEqual(['Email', '__proto__']);
    expect(Object.getPrototypeOf(parsed.rows[0]?.values)).toBe(Object.prototype);
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n\n  \n'],
  ])('refuses %s, which has no header', async (_, text) => {
    await expect(parseAll(text)).rejects.toMatchObject({ code: 'header-missing' });
  });

  it('refuses a header row without names', async () => {
    await expect(parseAll(',,\na,b,c\n')).rejects.toMatchObject({ code: 'header-empty' });
  });

  it('gives a file with only a header its fields and no rows', async () => {
    const parsed = await parseAll('Email,Name\n');
    expect(parsed.pages).toEqual([]);
    expect(parsed.rows).toEqual([]);
  });
});

describe('parseFile with JSON lines', () => {
  it('reads one object per line, scalars as text and nested values as JSON, and collects the fields seen', async () => {
    const text = [
      '{"Email":"a@x.com","Orders":3,"Vip":true,"Note":null,"Address":{"city":"İzmir"}}',
      '',
      '{"Email":"b@x.com","Tags":["a","b"],"Extra":"x"}\r',
    ].join('\n');
    const parsed = await parseAll(text, { fileName: 'members.jsonl' });
    expect(parsed.rows).toEqual([
      {
        line: 1,
        values: { Email: 'a@x.com', Orders: '3', Vip: 'true', Note: '', Address: '{"city":"İzmir"}' },
      },
      { line: 3, values: { Email: 'b@x.com', Tags: '["a","b"]', Extra: 'x' } },
    ]);
    expect(parsed.fields).toEqual(['Email', 'Orders', 'Vip', 'Note', 'Address', 'Tags', 'Extra']);
  });

  it('recognises JSON lines from the first character when the name does not say', async () => {
    const parsed = await parseAll('\n{"Email":"a@x.com"}\n');
    expect(parsed.rows).toEqual([{ line: 2, values: { Email: 'a@x.com' } }]);
  });

  it('reports lines that are not JSON objects and goes on', async () => {
    const parsed = await parseAll(
      '{"Email":"a@x.com"}\n{"Email":\n[1,2]\n"text"\nnull\n{"Email":"b@x.com"}',
      { fileName: 'x.ndjson' },
    );
    expect(parsed.errors).toEqual([
      { line: 2, reason: 'json-invalid' },
      { line: 3, reason: 'json-not-object' },
      { line: 4, reason: 'json-not-object' },
      { line: 5, reason: 'json-not-object' },
    ]);
    expect(parsed.rows.map((r) => r.line)).toEqual([1, 6]);
  });

  it('skips a line whose names would pass the fields a mapping can hold, keeping the file', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`f${i}`, 'v'])));
    const longName = JSON.stringify({ Email: 'c@x.com', ['n'.repeat(513)]: 'v' });
    const parsed = await parseAll(
      `{"Email":"a@x.com"}\n${wide}\n${longName}\n{"Email":"b@x.com","f1":"w"}\n`,
      { fileName: 'x.jsonl' },
    );
    expect(parsed.errors).toEqual([
      { line: 2, reason: 'json-too-many-fields' },
      { line: 3, reason: 'json-too-many-fields' },
    ]);
    expect(parsed.fields).toEqual(['Email', 'f1']);
    expect(parsed.rows.map((r) => r.line)).toEqual([1, 4]);
  });

  it('reports an over-long line once and resumes after it', async () => {
    const long = `{"Email":"${'x'.repeat(100)}"}`;
    const bytes = bytesOf(`{"Email":"a@x.com"}\n${long}\n{"Email":"b@x.com"}\n`);
    const cuts = Array.from({ length: 20 }, (_, i) => 25 + i * 5);
    const parsed = await parseAll(chunked(bytes, cuts), { fileName: 'x.jsonl', maxRecordLength: 40 });
    expect(parsed.errors).toEqual([{ line: 2, reason: 'record-too-long' }]);
    expect(parsed.rows.map((r) => r.line)).toEqual([1, 3]);
  });

  it('refuses a JSON array', async () => {
    await expect(parseAll('[{"Email":"a@x.com"}]', { fileName: 'x.json' })).rejects.toBeInstanceOf(
      FileParseError,
    );
  });
});

describe('parseFile streaming', () => {
  it('reads a ReadableStream as well as an async iterable', async () => {
    const bytes = bytesOf('Email\na@x.com\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 5));
        controller.enqueue(bytes.slice(5));
        controller.close();
      },
    });
    expect((await parseAll(stream)).rows).toEqual([{ line: 2, values: { Email: 'a@x.com' } }]);
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', async () => {
    const bytes = bytesOf('Name\nŞ😀ı\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const parsed = await parseAll(chunked(bytes, [cut]));
      expect(parsed.rows, `cut at ${cut}`).toEqual([{ line: 2, values: { Name: 'Ş😀ı' } }]);
    }
  });

  it('yields pages of at most pageSize rows and errors together', async () => {
    const lines = ['Email,Name'];
    for (let i = 0; i < 95; i++) lines.push(i % 10 === 0 ? 'broken' : `u${i}@x.com,N${i}`);
    const parsed = await parseAll(`${lines.join('\n')}\n`, { pageSize: 7 });
    expect(parsed.pages.every((p) => p.rows.length + p.errors.length <= 7)).toBe(true);
    expect(parsed.pages.slice(0, -1).every((p) => p.rows.length + p.errors.length === 7)).toBe(true);
    expect(parsed.rows).toHaveLength(85);
    expect(parsed.errors).toHaveLength(10);
    expect(parsed.pages.every((p) => p.fields.length === 2)).toBe(true);
  });

  it('yields the first page before the whole file has been read', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytesOf('Email\n');
      for (let chunk = 0; chunk < 100; chunk++) {
        pulled++;
        yield bytesOf(Array.from({ length: 100 }, (_, i) => `u${chunk}-${i}@x.com\n`).join(''));
      }
    }
    const pages = parseFile(source(), { pageSize: 50 });
    const first = await pages.next();
    expect(first.value?.rows).toHaveLength(50);
    expect(pulled).toBeLessThan(5);
    await pages.return(undefined);
  });

  // The timeout is generous: a loaded CI machine needs seconds here, and speed is the bench's business.
  it('reads 200,000 generated rows in bounded pages without losing one', async () => {
    const total = 200_000;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytesOf('Email,FirstName,City,Country\r\n');
      const perChunk = 2_000;
      for (let start = 0; start < total; start += perChunk) {
        let text = '';
        for (let i = start; i < start + perChunk; i++)
          text += `user${i}@example.com,"Ad ${i}",İstanbul,TR\r\n`;
        yield bytesOf(text);
      }
    }
    let rows = 0;
    let errors = 0;
    let linesInOrder = true;
    let largest = 0;
    for await (const page of parseFile(source(), { pageSize: 1000 })) {
      largest = Math.max(largest, page.rows.length + page.errors.length);
      errors += page.errors.length;
      for (const row of page.rows) linesInOrder &&= row.line === rows++ + 2;
    }
    expect({ rows, errors, linesInOrder, largest }).toEqual({
      rows: total,
      errors: 0,
      linesInOrder: true,
      largest: 1000,
    });
  }, 60_000);
});

describe('parseFile chunking', () => {
  const cell = fc
    .array(
      fc.constantFrom('a', 'Z', '1', ' ', 'ş', 'İ', 'ı', '€', '😀', ',', ';', '"', '""', '\n', '\r\n', '\r'),
      { maxLength: 8 },
    )
    .map((parts) => parts.join(''));
  const records = fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 12 });
  const quote = (value: string) =>
    /[",;\r\n]/.test(value) || value.trim() !== value ? `"${value.replace(/"/g, '""')}"` : value;

  it('gives the same rows for any chunking of the same bytes, equal to what was written', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (rows, delimiter, newline, cutSeeds) => {
          const lines = [['Email', 'Name', 'Note'], ...rows].map((row) => row.map(quote).join(delimiter));
          const bytes = bytesOf(`\uFEFF${lines.join(newline)}${newline}`);
          const cuts = [...new Set(cutSeeds.map((seed) => seed % bytes.length))].filter((cut) => cut > 0);
          const options = { delimiter: delimiter as ',' | ';' | '\t' };
          const whole = await parseAll(chunked(bytes), options);
          const pieces = await parseAll(chunked(bytes, cuts), options);
          expect(pieces.rows).toEqual(whole.rows);
          expect(pieces.errors).toEqual(whole.errors);
          expect(whole.rows.map((r) => [r.values.Email, r.values.Name, r.values.Note])).toEqual(rows);
          const starts: number[] = [];
          let line = 2;
          for (const written of lines.slice(1)) {
            starts.push(line);
            line += written.split(/\r\n|\r|\n/).length;
          }
          expect(whole.rows.map((r) => r.line)).toEqual(starts);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same rows and errors for any chunking of damaged text too', async () => {
    const damaged = fc.array(fc.constantFrom('a', ',', '"', '\n', '\r\n', '\r', ' ', 'ş', '😀', '{', '}'), {
      maxLength: 80,
    });
    await fc.assert(
      fc.asyncProperty(damaged, fc.array(fc.nat(), { maxLength: 10 }), async (parts, cutSeeds) => {
        const bytes = bytesOf(`Email,Name\n${parts.join('')}`);
        const cuts = [...new Set(cutSeeds.map((seed) => seed % bytes.length))].filter((cut) => cut > 0);
        const whole = await parseAll(chunked(bytes));
        const pieces = await parseAll(chunked(bytes, cuts));
        expect(pieces.rows).toEqual(whole.rows);
        expect(pieces.errors).toEqual(whole.errors);
      }),
      { numRuns: 300 },
    );
  });
});
