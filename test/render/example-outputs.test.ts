import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { EXAMPLE } from '../helpers.js';

// The committed charts of the example, read back by independent parsers (csv-parse, marked's GFM lexer).
const dir = join(EXAMPLE, 'charts');
const files = readdirSync(dir);
const cases = readFileSync(join(EXAMPLE, 'cases.csv'), 'utf8').trim().split('\n').length - 1;

describe('the example charts', () => {
  it.each(files.filter((f) => f.endsWith('.csv')))('%s is RFC 4180 CSV with a row per case', (f) => {
    const rows: string[][] = parse(readFileSync(join(dir, f), 'utf8'));
    expect(rows.length).toBe(cases + 1);
    expect(rows[0].slice(0, 3)).toEqual(['case', 'role', 'route']);
    for (const r of rows) expect(r.length).toBe(rows[0].length);
    expect(rows.flat().some((c) => /^[=+\-@]/.test(c))).toBe(false);
  });

  it.each(files.filter((f) => f.endsWith('.md')))('%s is one GFM table with the same shape as the CSV', (f) => {
    const tokens = marked.lexer(readFileSync(join(dir, f), 'utf8'), { gfm: true });
    const tables = tokens.filter((t) => t.type === 'table') as Tokens.Table[];
    expect(tables).toHaveLength(1);
    const csv: string[][] = parse(readFileSync(join(dir, f.replace(/\.md$/, '.csv')), 'utf8'));
    expect(tables[0].header.map((h) => h.text)).toEqual(csv[0]);
    expect(tables[0].rows.length).toBe(cases);
    expect(tables[0].rows.map((r) => r[0].text)).toEqual(csv.slice(1).map((r) => r[0]));
  });
});
