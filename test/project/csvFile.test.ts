import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/project/csvFile.js';

describe('parseCsv', () => {
  it('keeps the line and column of every cell, across quoted line breaks and blank lines', () => {
    const t = parseCsv('a,b,c\n1,"x\ny",3\n\n4,5,6\n', 'f.csv');
    expect(t.diagnostics).toEqual([]);
    expect(t.rows.map((r) => r.values)).toEqual([
      { a: '1', b: 'x\ny', c: '3' },
      { a: '4', b: '5', c: '6' },
    ]);
    expect(t.rows[0].at('c')).toEqual({ file: 'f.csv', line: 3, col: 4 });
    expect(t.rows[1].at('b')).toEqual({ file: 'f.csv', line: 5, col: 3 });
  });

  it('accepts files that mix CRLF and LF', () => {
    const t = parseCsv('a,b\r\n1,2\n3,4\r\n', 'f.csv');
    expect(t.rows.map((r) => r.values.b)).toEqual(['2', '4']);
    expect(t.rows[1].at().line).toBe(3);
  });

  it('detects semicolon and tab delimiters from the header', () => {
    expect(parseCsv('a;b\n1;2\n', 'f.csv').rows[0].values).toEqual({ a: '1', b: '2' });
    expect(parseCsv('a\tb\n1\t2\n', 'f.csv').rows[0].values).toEqual({ a: '1', b: '2' });
  });

  it('reports a row with more cells than the header', () => {
    const t = parseCsv('a,b\n1,2,3\n', 'f.csv');
    expect(t.diagnostics).toMatchObject([{ code: 'csv-ragged-row', line: 2, col: 5 }]);
  });

  it('reports an unclosed quote', () => {
    const t = parseCsv('a,b\n1,"2\n3,4\n', 'f.csv');
    expect(t.diagnostics).toMatchObject([{ code: 'csv-syntax', severity: 'error' }]);
  });

  it('reports a duplicate header', () => {
    expect(parseCsv('a,a\n1,2\n', 'f.csv').diagnostics).toMatchObject([{ code: 'duplicate-column', line: 1, col: 3 }]);
  });
});
