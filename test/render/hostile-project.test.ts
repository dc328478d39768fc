import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir, writeProject } from '../helpers.js';
import { foreignMarkup, gfm, htmlHeadings, htmlTables, shown } from './gfm.js';

// End to end through the built binary: a project whose coding, case attributes, cell summaries, theme
// labels and title are hostile text, charted to CSV, Markdown and JSON and read back by csv-parse,
// marked and JSON.parse.

const DANGEROUS = ['=', '+', '-', '@', '\t', '\r', '\n', '\0', '\uff1d', '\uff0b', '\uff0d', '\uff20'];
const isDangerous = (c: string) => DANGEROUS.includes(c.replace(/^ +/, '').charAt(0));

const HYPERLINK = '=HYPERLINK("http://x","y")';
const DDE = "=cmd|' /C calc'!A0";
const SCRIPT = '<script>alert(1)</script>';
const TITLE = `${HYPERLINK} ${SCRIPT} | C# ##`;
const THEME_1 = '<img src=x onerror=alert(1)> Needs | # ##';
const THEME_2 = 'Outcomes <!-- x --> [x](javascript:alert(1))';
const SUB = { '1.1': '=1+1 | <b>bold</b>', '1.2': '@SUM(1) `code` *em*', '2.1': '-2 www.example.org' };
const ANNOTATIONS = [
  ['transcript', 'code', 'lines', 'quote', 'summary', 'note', 'key', 'coder'],
  ['P1', '1.1', '2', '', HYPERLINK, '+1', 'yes', '@coder'],
  ['P1', '1.2', '3', SCRIPT, '-2', 'line1\nline2', '', 'tom'],
  ['P1', '2.1', '', DDE, '＝1+1', '<!-- c --> http://x.org a@b.org', '', ''],
  ['P2', '1.1', '2', '', '\t=1', 'cr\r\nlf', '', ''],
  ['P2', '1.2', '2', '', '@SUM(1)', '|', '*', ''],
  ['P2', '2.1', '2', '', SCRIPT, '[x](javascript:alert(1))', '', ''],
];
const CASES = [
  ['case', 'route', 'area'],
  ['P1', HYPERLINK, 'line1\nline2'],
  ['P2', '-2', SCRIPT],
];
const SUMMARIES = [
  ['case', 'code', 'summary', 'note'],
  ['P2', '2.1', '+cell summary | <b>x</b> ＠', '@note'],
];

function hostileProject(): string {
  const yaml = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar
  return writeProject({
    'dtors.yaml': `version: 1\ntitle: ${yaml(TITLE)}\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nsummaries: summaries.csv\n`,
    'frame.yaml': [
      'themes:',
      '  - id: "1"',
      `    label: ${yaml(THEME_1)}`,
      '    subthemes:',
      ...['1.1', '1.2'].flatMap((id) => [`      - id: "${id}"`, `        label: ${yaml(SUB[id as keyof typeof SUB])}`]),
      '  - id: "2"',
      `    label: ${yaml(THEME_2)}`,
      '    subthemes:',
      `      - id: "2.1"`,
      `        label: ${yaml(SUB['2.1'])}`,
      '',
    ].join('\n'),
    't/P1.txt': `INT: Hello?\nRESP: ${DDE} is what I typed.\nRESP: ${SCRIPT} and @SUM(1) too.\n`,
    't/P2.txt': 'INT: Hello?\nRESP: Support mostly | pipes.\n',
    'a.csv': stringify(ANNOTATIONS),
    'cases.csv': stringify(CASES),
    'summaries.csv': stringify(SUMMARIES),
  });
}

const ARGS = ['-a', 'route,area', '--quotes', 'full'];

function run(args: string[]) {
  const r = runBinary(args);
  expect(r.stderr).not.toMatch(/error|internal/);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const files = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort();
const csv = (text: string): string[][] => parse(text, { relax_column_count: false });

/** The neutralised CSV holds the raw CSV's cells, each dangerous one behind an apostrophe, and no cell a spreadsheet would run. */
function expectNeutralised(safe: string[][], raw: string[][]) {
  expect(safe.map((r) => r.length)).toEqual(raw.map((r) => r.length));
  expect(safe).toEqual(raw.map((r) => r.map((c) => (isDangerous(c) ? `'${c}` : c))));
  for (const c of safe.flat()) expect(isDangerous(c), JSON.stringify(c)).toBe(false);
}

describe('a project of hostile text, charted by the binary', () => {
  const project = hostileProject();
  const out = join(tempDir(), 'charts');
  const outRaw = join(tempDir(), 'charts-raw');
  beforeAll(() => {
    run(['chart', project, '--out', out, '-f', 'csv,markdown,json', ...ARGS]);
    run(['chart', project, '--out', outRaw, '-f', 'csv,markdown,json', '--raw', ...ARGS]);
  });

  it('writes one CSV, Markdown and JSON file per theme', () => {
    expect(files(out, '.csv')).toHaveLength(2);
    expect(files(out, '.md')).toHaveLength(2);
    expect(files(out, '.json').filter((f) => f !== 'manifest.json')).toHaveLength(2);
    expect(files(outRaw, '.csv')).toEqual(files(out, '.csv'));
  });

  it('CSV: every cell a spreadsheet would run is neutralised; --raw leaves them as written', () => {
    const all: string[] = [];
    for (const f of files(out, '.csv')) {
      const raw = csv(readFileSync(join(outRaw, f), 'utf8'));
      expectNeutralised(csv(readFileSync(join(out, f), 'utf8')), raw);
      all.push(...raw.flat());
    }
    // The hostile text came through raw, as cells of its own or at the start of a cell.
    expect(all).toContain(HYPERLINK);
    expect(all).toContain('-2');
    expect(all).toContain(SCRIPT);
    expect(all).toContain('line1\nline2');
    expect(all).toContain('1.1 =1+1 | <b>bold</b>');
    for (const start of [`${HYPERLINK} (P1:2*)`, '-2 (P1:3)', '＝1+1 (P1:2)', '=1 (P2:2)', '@SUM(1) (P2:2*)', '+cell summary | <b>x</b> ＠ (P2:2)'])
      expect(all.some((c) => c.startsWith(start)), start).toBe(true);
    expect(all.some((c) => c.includes(`"${DDE}" (P1:2)`))).toBe(true);
    expect(all.some((c) => c.includes('[Note: cr\nlf]'))).toBe(true);
  });

  it('Markdown: each file is a heading and one table of the same cells, with no live HTML', () => {
    const headings: string[] = [];
    for (const f of files(out, '.md')) {
      const { tokens, html } = gfm(readFileSync(join(out, f), 'utf8'));
      expect(tokens.filter((t) => t.type !== 'space').map((t) => t.type)).toEqual(['heading', 'table']);
      expect(foreignMarkup(html, true)).toEqual([]);
      const raw = csv(readFileSync(join(outRaw, f.replace(/\.md$/, '.csv')), 'utf8'));
      expect(htmlTables(html)).toEqual([raw.map((r) => r.map(shown))]);
      headings.push(...htmlHeadings(html, 2));
      // --raw is for CSV only.
      expect(readFileSync(join(outRaw, f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
    }
    expect(headings).toEqual([`1 ${THEME_1}`, `2 ${THEME_2}`]);
  });

  it('Markdown on stdout: the title is a heading of text', () => {
    const { tokens, html } = gfm(run(['chart', project, ...ARGS]));
    expect(foreignMarkup(html, true)).toEqual([]);
    expect(htmlHeadings(html, 1)).toEqual([TITLE]);
    expect(tokens.filter((t) => t.type !== 'space').map((t) => t.type)).toEqual(['heading', 'heading', 'table', 'heading', 'table']);
  });

  it('JSON: the raw text, whatever --raw says', () => {
    const docs = files(out, '.json')
      .filter((f) => f !== 'manifest.json')
      .map((f) => {
        const text = readFileSync(join(out, f), 'utf8');
        expect(readFileSync(join(outRaw, f), 'utf8')).toBe(text);
        return JSON.parse(text);
      });
    for (const d of docs) expect(d.title).toBe(TITLE);
    expect(docs.map((d) => d.matrices[0].theme.label)).toEqual([THEME_1, THEME_2]);
    expect(docs[0].matrices[0].columns.map((c: { label: string }) => c.label)).toEqual([SUB['1.1'], SUB['1.2']]);
    const rows = docs.flatMap((d) => d.matrices[0].rows);
    expect(rows[0].attributes).toEqual({ route: HYPERLINK, area: 'line1\nline2' });
    expect(rows[1].attributes).toEqual({ route: '-2', area: SCRIPT });
    const entries = rows.flatMap((r) => r.cells.flatMap((c: { entries: unknown[] }) => c.entries)) as Record<string, string>[];
    const summaries = entries.map((e) => e.summary);
    for (const s of [HYPERLINK, '-2', '＝1+1', '=1', '@SUM(1)', SCRIPT]) expect(summaries).toContain(s);
    const notes = entries.map((e) => e.note);
    for (const n of ['+1', 'line1\nline2', '<!-- c --> http://x.org a@b.org', 'cr\nlf', '|', '[x](javascript:alert(1))']) expect(notes).toContain(n);
    expect(entries.map((e) => e.quote)).toEqual(expect.arrayContaining([SCRIPT, DDE]));
    expect(entries.map((e) => e.coder)).toContain('@coder');
    const cellSummary = docs[1].matrices[0].rows.find((r: { case: string }) => r.case === 'P2').cells[0];
    expect(cellSummary).toMatchObject({ state: 'cell-summary', summary: '+cell summary | <b>x</b> ＠', note: '@note' });
  });

  it('the long layout: CSV on stdout neutralised (raw with --raw), JSON raw', () => {
    const long = ['chart', project, '--layout', 'long', ...ARGS];
    const safe = csv(run([...long, '-f', 'csv']));
    const raw = csv(run([...long, '-f', 'csv', '--raw']));
    expectNeutralised(safe, raw);
    const h = raw[0];
    expect(h).toEqual(['case', 'route', 'area', 'theme', 'code', 'label', 'ref', 'start', 'end', 'key', 'summary', 'note', 'quote', 'coder']);
    const col = (rows: string[][], name: string) => rows.slice(1).map((r) => r[h.indexOf(name)]);
    expect(col(raw, 'summary')).toEqual(expect.arrayContaining([HYPERLINK, '-2', '＝1+1', '=1', '@SUM(1)', SCRIPT, '+cell summary | <b>x</b> ＠']));
    expect(col(safe, 'summary')).toEqual(expect.arrayContaining([`'${HYPERLINK}`, "'-2", "'＝1+1", "'=1", "'@SUM(1)", SCRIPT, "'+cell summary | <b>x</b> ＠"]));
    expect(col(raw, 'quote')).toEqual(expect.arrayContaining([DDE, SCRIPT]));
    expect(col(safe, 'quote')).toContain(`'${DDE}`);
    expect(col(safe, 'route')).toContain(`'${HYPERLINK}`);

    const json = JSON.parse(run([...long, '-f', 'json'])) as Record<string, unknown>[];
    expect(json.map((r) => r.summary)).toEqual(expect.arrayContaining([HYPERLINK, '-2', '＝1+1', '=1', '@SUM(1)', SCRIPT, '+cell summary | <b>x</b> ＠']));
    expect(json.map((r) => r.note)).toEqual(expect.arrayContaining(['+1', 'line1\nline2', 'cr\nlf', '@note']));
    expect(json.map((r) => r.quote)).toEqual(expect.arrayContaining([DDE, SCRIPT]));
    expect(json.map((r) => r.route)).toEqual(expect.arrayContaining([HYPERLINK, '-2']));
  });
});
