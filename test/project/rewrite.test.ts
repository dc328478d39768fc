import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rewriteAnnotations, type CellEdit } from '../../src/project/rewrite.js';

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
