import { parse as parseCsvSync } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { csvRecords, rewriteAnnotations, rewriteTable, type CellEdit } from '../../src/project/rewrite.js';

const ok = (r: ReturnType<typeof rewriteAnnotations>) => {
  if ('problem' in r) throw new Error(r.problem);
  return r.text;
};

describe('rewriting CSV annotation cells', () => {
  it('changes only the cells asked for, keeping quoting, line ends and other cells byte for byte', () => {
    const text =
      'id,transcript,code,lines,quote,summary\r\n' +
      'a1,P1,1.1,12-14,,"Said ""no"", twice"\r\n' +
      'a2,P1,1.2,"20-22","the old words",plain summary\r\n' +
      'a3,P2,2.1,5,,"a summary\r\nover two lines"\r\n';
    const out = ok(
      rewriteAnnotations('a.csv', text, [
        { row: 1, field: 'lines', value: '15-17' },
        { row: 2, field: 'lines', value: '21-23' },
        { row: 2, field: 'quote', value: 'the new, corrected words' },
        { row: 3, field: 'lines', value: '6' },
      ]),
    );
    expect(out).toBe(
      'id,transcript,code,lines,quote,summary\r\n' +
        'a1,P1,1.1,15-17,,"Said ""no"", twice"\r\n' +
        'a2,P1,1.2,"21-23","the new, corrected words",plain summary\r\n' +
        'a3,P2,2.1,6,,"a summary\r\nover two lines"\r\n',
    );
  });

  it('quotes a new value that needs it, in a semicolon file with an Excel sep= line', () => {
    const text = 'sep=;\ntranscript;code;start;end;quote\nP1;1.1;3;4;words here\n';
    const out = ok(
      rewriteAnnotations('a.csv', text, [
        { row: 2, field: 'start', value: '5' },
        { row: 2, field: 'end', value: '6' },
        { row: 2, field: 'quote', value: 'words; and "more"' },
      ]),
    );
    expect(out).toBe('sep=;\ntranscript;code;start;end;quote\nP1;1.1;5;6;"words; and ""more"""\n');
  });

  it('fills a cell that a short row lacks', () => {
    const out = ok(rewriteAnnotations('a.csv', 'transcript,code,lines,quote\nP1,1.1,3\n', [{ row: 1, field: 'quote', value: 'x y' }]));
    expect(out).toBe('transcript,code,lines,quote\nP1,1.1,3,x y\n');
  });

  it('refuses a column the file does not have', () => {
    expect(rewriteAnnotations('a.csv', 'transcript,code,quote\nP1,1.1,x\n', [{ row: 1, field: 'lines', value: '3' }])).toEqual({ problem: 'the file has no "lines" column' });
  });

  it('reads header names as the loader does (case and spaces aside)', () => {
    const out = ok(rewriteAnnotations('a.csv', 'Transcript, Code , Lines\nP1,1.1,3-4\n', [{ row: 1, field: 'lines', value: '7-8' }]));
    expect(out).toBe('Transcript, Code , Lines\nP1,1.1,7-8\n');
  });
});

describe('rewriting YAML annotation values', () => {
  const yaml = `# tom's coding (comments stay)
- id: t1
  transcript: P1
  code: "1.1"   # the script
  lines: "29-30"
  quote: "I was sick of it"
  summary: Sick of it
- id: t2
  transcript: P1
  code: '1.2'
  lines: 40-41
  quote: 'it''s the hook'
- id: t3
  transcript: P1
  code: "2.1"
  quote: >-
    a folded quote that runs
    over two lines
  summary: |
    kept as it is
`;

  it('replaces each value in its own style and leaves comments and other entries alone', () => {
    const edits: CellEdit[] = [
      { row: 0, field: 'lines', value: '31-32' },
      { row: 0, field: 'quote', value: 'I was "sick" of it' },
      { row: 1, field: 'lines', value: '42-43' },
      { row: 1, field: 'quote', value: "it's the hook, isn't it" },
      { row: 2, field: 'quote', value: 'a folded quote that now runs over two lines, corrected' },
    ];
    const out = ok(rewriteAnnotations('a.yaml', yaml, edits));
    expect(out).toContain('# tom\'s coding (comments stay)\n');
    expect(out).toContain('  code: "1.1"   # the script\n  lines: "31-32"\n  quote: "I was \\"sick\\" of it"\n');
    expect(out).toContain("  lines: 42-43\n  quote: 'it''s the hook, isn''t it'\n");
    // Folded text is wrapped again, at the width it had (40 columns at least).
    expect(out).toContain('  quote: >-\n    a folded quote that now runs over\n    two lines, corrected\n  summary: |\n    kept as it is\n');
    const data = parse(out);
    expect(data[2].quote).toBe('a folded quote that now runs over two lines, corrected');
    expect(data[2].summary).toBe('kept as it is\n');
  });

  it('keeps CRLF line ends', () => {
    const out = ok(rewriteAnnotations('a.yml', yaml.replace(/\n/g, '\r\n'), [{ row: 1, field: 'lines', value: '50-51' }]));
    expect(out).toBe(yaml.replace('lines: 40-41', 'lines: 50-51').replace(/\n/g, '\r\n'));
  });

  it('refuses an entry without the field', () => {
    expect(rewriteAnnotations('a.yaml', yaml, [{ row: 2, field: 'lines', value: '3' }])).toEqual({ problem: 'entry 3 has no "lines" to change' });
  });

  it('quotes a plain value that YAML would otherwise read differently', () => {
    const out = ok(rewriteAnnotations('a.yaml', '- transcript: P1\n  code: x\n  quote: plain words\n', [{ row: 0, field: 'quote', value: 'she said: no # not that' }]));
    expect(parse(out)[0].quote).toBe('she said: no # not that');
  });
});

describe('rewriting, for any content (property)', () => {
  // Cells with quotes, delimiters, line breaks and spaces; files with LF or CRLF and any of the three
  // delimiters. Every rewrite must succeed and change exactly the cells asked for.
  const cell = fc.stringMatching(/^[a-z ,;\t"'\n\r=é😀-]{0,12}$/);
  const table = fc.record({
    delimiter: fc.constantFrom(',', ';', '\t'),
    crlf: fc.boolean(),
    rows: fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 6 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom('lines' as const, 'quote' as const), fc.stringMatching(/^[a-z0-9 ,;"'=-]{1,15}$/)), { maxLength: 4 }),
  });

  it('CSV', () => {
    fc.assert(
      fc.property(table, ({ delimiter, crlf, rows, edits }) => {
        const text = stringify([['transcript', 'lines', 'quote', 'summary'], ...rows.map(([a, b, c]) => ['P1', a, b, c])], { delimiter, record_delimiter: crlf ? 'windows' : 'unix', quoted_match: /[\r\n;\t]/ });
        // One edit per cell: the last one asked for wins.
        const wanted = new Map<string, CellEdit>();
        for (const [r, field, value] of edits) wanted.set(`${(r % rows.length) + 1}:${field}`, { row: (r % rows.length) + 1, field, value });
        const out = rewriteAnnotations('a.csv', text, [...wanted.values()], delimiter);
        if ('problem' in out) throw new Error(out.problem);
        const before = parseCsvSync(text, { delimiter, relax_column_count: true }) as string[][];
        const after = parseCsvSync(out.text, { delimiter, relax_column_count: true }) as string[][];
        const expected = before.map((r) => [...r]);
        for (const e of wanted.values()) expected[e.row][e.field === 'lines' ? 1 : 2] = e.value;
        expect(after).toEqual(expected);
        // Record ends stay those of the file.
        expect(out.text.endsWith(crlf ? '\r\n' : '\n')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('YAML, in every scalar style', () => {
    const style = fc.constantFrom('plain', 'double', 'single', 'folded', 'literal');
    fc.assert(
      fc.property(fc.array(fc.tuple(style, fc.stringMatching(/^[a-z][a-z ]{0,20}[a-z]$/)), { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.stringMatching(/^[a-z0-9 ,:#"'&*!|>%@-]{1,30}$/)), { maxLength: 4 }), (items, edits) => {
        const scalar = (s: string, v: string) =>
          s === 'plain' ? v : s === 'double' ? JSON.stringify(v) : s === 'single' ? `'${v}'` : `${s === 'folded' ? '>-' : '|-'}\n    ${v}`;
        const text = '# coding\n' + items.map(([s, v], i) => `- transcript: P1   # row ${i}\n  code: "1.1"\n  quote: ${scalar(s, v)}\n  summary: kept\n`).join('');
        const wanted = new Map<number, CellEdit>();
        for (const [r, value] of edits) wanted.set(r % items.length, { row: r % items.length, field: 'quote', value: value.trim() || 'x' });
        const out = rewriteAnnotations('a.yaml', text, [...wanted.values()]);
        if ('problem' in out) throw new Error(`${out.problem}\n${text}`);
        const data = parse(out.text) as Record<string, string>[];
        data.forEach((d, i) => {
          expect(String(d.quote).trim()).toBe(wanted.get(i)?.value ?? items[i][1]);
          expect(d.summary).toBe('kept');
        });
        expect(out.text.split('\n').filter((l) => l.includes('# row')).length).toBe(items.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rewriteTable', () => {
  const text = '\ufeffcase,code,summary,note\r\nP01,1.1,"Quoted, as it was",n1\r\nP02,1.1,plain,\r\nP03,1.2,third,\r\n';

  it('changes only the cells set, the records removed and the rows added, keeping BOM, CRLF and quoting', () => {
    const r = rewriteTable(text, { set: [{ record: 2, column: 'summary', value: 'new, with a comma' }], remove: [3], append: [{ case: 'P04', code: '2.1', summary: 'line one\nline two' }] });
    expect(r).toEqual({ text: '\ufeffcase,code,summary,note\r\nP01,1.1,"Quoted, as it was",n1\r\nP02,1.1,"new, with a comma",\r\nP04,2.1,"line one\nline two",\r\n' });
  });

  it('adds a column the header lacks for an appended row too', () => {
    expect(rewriteTable('case,code,summary\nP01,1.1,a\n', { set: [], remove: [], append: [{ case: 'P03', code: '1.1', summary: 'c', coder: 'bea' }] })).toEqual({ text: 'case,code,summary,coder\nP01,1.1,a\nP03,1.1,c,bea\n' });
  });

  it('adds a column the header lacks, at its end', () => {
    const r = rewriteTable('case,code,summary\nP01,1.1,a\nP02,1.1,b\n', { set: [{ record: 2, column: 'coder', value: 'bea' }], remove: [], append: [{ case: 'P03', code: '1.1', summary: 'c', coder: 'bea' }] });
    expect(r).toEqual({ text: 'case,code,summary,coder\nP01,1.1,a\nP02,1.1,b,bea\nP03,1.1,c,bea\n' });
  });

  it('finds records by their values, after a sep= line and blank lines', () => {
    const t = csvRecords('sep=;\ncase;code;summary\n\nP01;1.1;a\n')!;
    expect(t.header).toEqual(['case', 'code', 'summary']);
    expect(t.rows).toEqual([{ record: 3, values: { case: 'P01', code: '1.1', summary: 'a' } }]);
    expect(rewriteTable('sep=;\ncase;code;summary\n\nP01;1.1;a\n', { set: [{ record: 3, column: 'summary', value: 'b;c' }], remove: [], append: [] })).toEqual({ text: 'sep=;\ncase;code;summary\n\nP01;1.1;"b;c"\n' });
  });

  it('reads back whatever it writes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 4 }), (values) => {
        const appended = values.map((v, i) => ({ case: `C${i}`, code: '1', summary: v }));
        const r = rewriteTable('case,code,summary\nP01,1,x\n', { set: [{ record: 1, column: 'summary', value: values[0] }], remove: [], append: appended });
        expect('text' in r).toBe(true);
        const back = csvRecords((r as { text: string }).text)!;
        expect(back.rows.map((x) => x.values.summary)).toEqual([values[0], ...values]);
      }),
    );
  });
});
