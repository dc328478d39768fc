import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvTable, neutralise, unneutralise } from '../../src/render/csv.js';

describe('CSV output', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const c of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx', '\0x', '＝1']) expect(neutralise(c)).toBe(`'${c}`);
    expect(neutralise('plain - text')).toBe('plain - text');
  });

  it('quotes cells with line breaks, also with Excel line ends', () => {
    const out = csvTable([['a', 'b'], ['x\ny', 'z']], { excel: true });
    expect(out).toBe('\ufeffa,b\r\n"x\ny",z\r\n');
  });

  const cellText = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', '=', '-', ';', '\t', 'é', '🙂'), maxLength: 20 });

  it('parses back to the same cells (raw), for any text; line breaks in a cell become LF', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cellText, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (rows, excel) => {
        const text = csvTable([['h1', 'h2', 'h3'], ...rows], { raw: true, excel });
        const back = parse(excel ? text.slice(1) : text, { relax_column_count: false, record_delimiter: excel ? '\r\n' : '\n' });
        expect(back).toEqual([['h1', 'h2', 'h3'], ...rows.map((r) => r.map((c) => c.replace(/\r\n?/g, '\n')))]);
      }),
      { numRuns: 500 },
    );
  });

  it('parses back to the neutralised cells by default', () => {
    fc.assert(
      fc.property(fc.array(cellText, { minLength: 2, maxLength: 2 }), (row) => {
        const back = parse(csvTable([row]), { record_delimiter: '\n' });
        expect(back).toEqual([row.map((c) => neutralise(c).replace(/\r\n?/g, '\n'))]);
      }),
    );
  });
});

describe('unneutralise', () => {
  it('takes back the apostrophe neutralise() added, and nothing else', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/^'/.test(s));
        expect(unneutralise(neutralise(s))).toBe(s);
      }),
    );
    expect(unneutralise("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(unneutralise("'tis the season")).toBe("'tis the season");
  });
});
