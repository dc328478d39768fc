import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { cellLines } from '../../src/chart/cellText.js';
import type { Cell, Entry, Matrix } from '../../src/model/matrix.js';
import type { QuoteMode } from '../../src/model/types.js';
import { csvTable, neutralise } from '../../src/render/csv.js';
import { renderJson, renderJsonLong } from '../../src/render/json.js';
import { longTable } from '../../src/render/long.js';
import { mdTable, mdText, renderMarkdown } from '../../src/render/markdown.js';
import { themeTable } from '../../src/render/table.js';
import { tempDir } from '../helpers.js';
import { foreignMarkup, gfm, htmlHeadings, htmlTables, shown } from './gfm.js';

// Hostile text in every output: CSV cells that a spreadsheet would run are neutralised (unless raw),
// Markdown keeps its table and shows text as text, JSON carries every string exactly.

/** The characters that make a spreadsheet cell a formula or control input, full-width forms included. */
const DANGEROUS = ['=', '+', '-', '@', '\t', '\r', '\n', '\0', '\uff1d', '\uff0b', '\uff0d', '\uff20'];

/** The oracle, written apart from the code: dangerous first character, leading spaces looked through. */
const isDangerous = (c: string) => DANGEROUS.includes(c.replace(/^ +/, '').charAt(0));

const CSV_FRAGMENTS = [...DANGEROUS, '\r\n', ' ', '  ', ',', ';', '"', "'", 'a', '1', 'SUM(A1)', 'cmd|', '!A0', '\ufeff', '\u00a0', '\u3000', 'é', '🙂', '\u2028', 'HYPERLINK("http://x","y")'];
const csvCell = fc.array(fc.constantFrom(...CSV_FRAGMENTS), { maxLength: 8 }).map((a) => a.join(''));

const MD_FRAGMENTS = [
  '|', '\\', '\\|', '<script>', '</script>', 'alert(1)', '<img src=x onerror=alert(1)>', '<!--', '-->', '<br>', '<b>', '&lt;', '&amp;', '&#60;', '&#x3C;',
  '&nbsp;', '&', '`', '```', '``', '#', '##', '>', '-', '*', '+', '1.', '1)', '---', '===', '***', '___', '\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085',
  '[x](javascript:alert(1))', '[', ']', '(', ')', '[x]', '[x][y]', '[x]: http://e.org', '<http://x.y>', '<a@b.org>', 'http://a.b/c_(d)', 'HTTPS://A.B', 'ftp://f.org', 'www.x.org',
  'WWW.X.ORG', 'a@b.org', 'mailto:a@b.org', 'xmpp:a@b.org', '![i](y)', '[^1]', '[^1]: note', '~', '~~', '_', '__', '**', '1*)', '1*;', 'P07:112-118*', ' ', '  ',
  '\t', 'a', '1', ':', '//', '.', '@', '\0', '"', "'", '\u00a0', 'é', '🙂', '$x$', '{', '}', '%', '^',
];
const mdCell = fc.array(fc.constantFrom(...MD_FRAGMENTS), { maxLength: 10 }).map((a) => a.join(''));

describe('CSV: neutralise', () => {
  it('prefixes every dangerous first character, full-width forms included', () => {
    for (const ch of DANGEROUS) {
      for (const payload of ['', '1+1', 'HYPERLINK("http://x","y")', "cmd|' /C calc'!A0", 'SUM(1)']) {
        expect(neutralise(ch + payload)).toBe(`'${ch}${payload}`);
        // Spreadsheets that trim leading spaces (LibreOffice's "Trim spaces", Google Sheets) see the formula.
        expect(neutralise(`  ${ch}${payload}`)).toBe(`'  ${ch}${payload}`);
      }
    }
    expect(['\uff1d', '\uff0b', '\uff0d', '\uff20']).toEqual(['＝', '＋', '－', '＠']);
  });

  it('leaves other text alone, including characters a spreadsheet does not evaluate', () => {
    for (const c of ['', ' ', 'plain - text', 'a=1', "'=1", '\u00a0=1', '\u3000=1', '\u200b=1', '\ufeff=1', '\ufe661', '\u22121', '%1', '{=1}', 'x\n=1', 'P07:1-2*'])
      expect(neutralise(c)).toBe(c);
  });

  it('neutralises exactly the dangerous cells, by one apostrophe (property)', () => {
    fc.assert(
      fc.property(csvCell, (c) => {
        expect(neutralise(c)).toBe(isDangerous(c) ? `'${c}` : c);
        expect(isDangerous(neutralise(c))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CSV: csvTable parsed back with csv-parse', () => {
  /** Parses csvTable output strictly: a BOM and CRLF records for Excel, LF records otherwise. */
  const readBack = (text: string, excel: boolean): string[][] => {
    // Only Excel's output starts with a BOM of its own (without, the text starts with the first cell).
    if (excel) expect(text.charAt(0)).toBe('\ufeff');
    return parse(excel ? text.slice(1) : text, { record_delimiter: excel ? '\r\n' : '\n', relax_column_count: false, relax_quotes: false });
  };
  const table = fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(csvCell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }));

  it('gives back the neutralised cells, and no cell a spreadsheet would run (property)', () => {
    fc.assert(
      fc.property(table, fc.boolean(), (rows, excel) => {
        const back = readBack(csvTable(rows, { excel }), excel);
        expect(back).toEqual(rows.map((r) => r.map((c) => neutralise(c).replace(/\r\n?/g, '\n'))));
        for (const c of back.flat()) expect(isDangerous(c), JSON.stringify(c)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('with raw, gives back every cell as it was (line breaks as LF) (property)', () => {
    fc.assert(
      fc.property(table, fc.boolean(), (rows, excel) => {
        const back = readBack(csvTable(rows, { raw: true, excel }), excel);
        expect(back).toEqual(rows.map((r) => r.map((c) => c.replace(/\r\n?/g, '\n'))));
      }),
      { numRuns: 1000 },
    );
  });

  it('every dangerous character, alone and with a payload, round-trips neutralised or raw', () => {
    const cells = DANGEROUS.flatMap((ch) => [ch, `${ch}1+1`, ` ${ch}SUM(1)`, `${ch}HYPERLINK("http://x","y")`]);
    for (const excel of [false, true]) {
      expect(readBack(csvTable([cells], { excel }), excel)).toEqual([cells.map((c) => `'${c}`.replace(/\r\n?/g, '\n'))]);
      expect(readBack(csvTable([cells], { excel, raw: true }), excel)).toEqual([cells.map((c) => c.replace(/\r\n?/g, '\n'))]);
    }
  });
});

// A real spreadsheet, where one is installed: LibreOffice imports the CSV (formulas evaluated, as by
// default) and must hold no formula, with and without its "Trim spaces" option; the raw CSV, imported the
// same way, must hold formulas, or the check would prove nothing.
const soffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(!soffice)('CSV: LibreOffice evaluates no neutralised cell', () => {
  it('imports the hostile cells as text', () => {
    const dir = tempDir();
    const cells = DANGEROUS.flatMap((ch) => [`${ch}1+1`, ` ${ch}1+1`, `   ${ch}1+1`, `${ch}SUM(1;1)`]);
    const rows = [['n', 'cell'], ...cells.map((c, i) => [String(i), c])];
    writeFileSync(join(dir, 'safe.csv'), csvTable(rows));
    writeFileSync(join(dir, 'raw.csv'), csvTable(rows, { raw: true }));
    const formulas: Record<string, number> = {};
    for (const [mode, filter] of [
      ['default', 'CSV:44,34,76,1'],
      ['trim', 'CSV:44,34,76,1,,1033,false,false,false,false,true'],
    ]) {
      const out = join(dir, mode);
      execFileSync(soffice, ['--headless', `-env:UserInstallation=file://${dir}/profile`, `--infilter=${filter}`, '--convert-to', 'fods', '--outdir', out, 'safe.csv', 'raw.csv'], {
        cwd: dir,
        stdio: 'ignore',
        timeout: 120_000,
      });
      for (const f of ['safe', 'raw']) formulas[`${mode} ${f}`] = (readFileSync(join(out, `${f}.fods`), 'utf8').match(/table:formula=/g) ?? []).length;
    }
    expect(formulas['default safe']).toBe(0);
    expect(formulas['trim safe']).toBe(0);
    expect(formulas['default raw']).toBeGreaterThan(0);
    // Trimming makes the space-led raw cells formulas too.
    expect(formulas['trim raw']).toBeGreaterThan(formulas['default raw']);
  });
});

describe('Markdown: hostile cell text stays text in its table (marked, GFM)', () => {
  const tableArb = fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc.tuple(fc.array(mdCell, { minLength: n, maxLength: n }), fc.array(fc.array(mdCell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 4 })),
  );

  it('keeps the table shape, renders no element but the table and <br>, and shows each cell as written (property)', () => {
    fc.assert(
      fc.property(tableArb, ([header, rows]) => {
        const { tokens, html } = gfm(mdTable(header, rows));
        const blocks = tokens.filter((t) => t.type !== 'space');
        expect(blocks.map((t) => t.type)).toEqual(['table']);
        const t = blocks[0] as Tokens.Table;
        expect(t.header.length).toBe(header.length);
        expect(t.rows.map((r) => r.length)).toEqual(rows.map((r) => r.length));
        expect(foreignMarkup(html)).toEqual([]);
        expect(htmlTables(html)).toEqual([[header, ...rows].map((r) => r.map(shown))]);
      }),
      { numRuns: 1500 },
    );
  });

  it('each known attack renders as its own text', () => {
    const attacks = [
      '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<!-- hidden -->', '&lt;b&gt; already escaped', '`code` ``a`b`` ```fence```',
      '# heading', '> quote', '- item', '* item', '+ item', '1. item', '---', '===', 'line1\nline2', 'cr\rlf\r\ncrlf', 'ls\u2028ps\u2029end',
      '[x](javascript:alert(1))', '<http://example.org>', 'see http://example.org and www.example.org', 'mail a@b.org or mailto:a@b.org', '![x](y)',
      'note[^1]\n[^1]: text', '*em* _em_ **strong** __strong__ ~~del~~ ~del~', 'a | b \\| c \\', '=HYPERLINK("http://x","y")', 'Summary (P07:112-118*; P07:3*)',
    ];
    const { html } = gfm(mdTable(['case', 'text'], attacks.map((a, i) => [`P${i}`, a])));
    expect(foreignMarkup(html)).toEqual([]);
    expect(htmlTables(html)[0].slice(1).map((r) => r[1])).toEqual(attacks.map(shown));
  });

  it('keeps the key-quote mark readable in the source', () => {
    expect(mdText('Wants it (P07:112-118*; P07:3*)')).toBe('Wants it (P07:112-118*; P07:3*)');
    expect(mdText('<http://x> a@b.org www.x.org')).toBe('&lt;http\\://x&gt; a\\@b.org www\\.x.org');
  });
});

/** A theme whose every visible string is hostile text. */
function hostileMatrix(id: string, label: string, texts: string[], attrs: string[] = ['role']): Matrix {
  const t = (i: number) => texts[i % texts.length];
  const entry = (i: number, key: boolean): Entry => ({
    transcript: `P${i}`,
    startLine: 3,
    endLine: 4,
    start: 10,
    end: 20,
    ref: `P${i}:3-4`,
    key,
    code: `${id}.1`,
    summary: t(i),
    note: t(i + 1),
    coder: t(i + 2),
    id: t(i + 3),
    quote: t(i + 4),
    speaker: t(i + 5),
  });
  const cells = (i: number): Cell[] => [
    { code: `${id}.1`, state: 'summarised', entries: [entry(i, i % 2 === 0), entry(i + 1, true)] },
    { code: `${id}.2`, state: 'cell-summary', summary: t(i + 2), note: t(i + 3), coder: t(i), entries: [entry(i + 2, false)] },
    { code: `${id}.3`, state: 'empty', entries: [] },
  ];
  return {
    theme: { id, label, description: t(1) },
    attributes: attrs,
    columns: [1, 2, 3].map((n) => ({ code: `${id}.${n}`, label: t(n), header: `${id}.${n} ${t(n)}`, general: false })),
    rows: [0, 1].map((i) => ({ case: t(i + 6), attributes: Object.fromEntries(attrs.map((a, k) => [a, t(i + k + 7)])), cells: cells(i) })),
  };
}

const quoteMode = fc.constantFrom<QuoteMode>('none', 'marked', 'full');

describe('Markdown: the whole document', () => {
  it('renders hostile titles and theme labels as heading text, and every table intact (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(mdCell, mdCell), { minLength: 1, maxLength: 2 }), mdCell, fc.array(mdCell, { minLength: 1, maxLength: 6 }), quoteMode, (themes, title, texts, quotes) => {
        const matrices = themes.map(([id, label]) => hostileMatrix(id, label, texts));
        const { tokens, html } = gfm(renderMarkdown(matrices, quotes, title || undefined));
        expect(foreignMarkup(html, true)).toEqual([]);
        const blocks = tokens.filter((t) => t.type !== 'space').map((t) => (t.type === 'heading' ? `h${(t as Tokens.Heading).depth}` : t.type));
        expect(blocks).toEqual([...(title ? ['h1'] : []), ...matrices.flatMap(() => ['h2', 'table'])]);
        expect(htmlHeadings(html, 1)).toEqual(title ? [shown(title)] : []);
        expect(htmlHeadings(html, 2)).toEqual(themes.map(([id, label]) => shown(`${id} ${label}`)));
        expect(htmlTables(html)).toEqual(
          matrices.map((m) => {
            const { header, rows } = themeTable(m, quotes);
            return [header, ...rows].map((r) => r.map(shown));
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a heading ending in # keeps it (no closing sequence is dropped)', () => {
    for (const label of ['C#', 'Needs #', 'Needs ##  ', '#', 'a # b #', '\u00a0##', 'x\u00a0#\t', '\u0085#']) {
      const { html } = gfm(renderMarkdown([hostileMatrix('1', label, ['x'])], 'marked', label));
      expect(htmlHeadings(html, 1)).toEqual([shown(label)]);
      expect(htmlHeadings(html, 2)).toEqual([shown(`1 ${label}`)]);
    }
  });

  it('shows the key-quote mark as written, without emphasis', () => {
    const { html } = gfm(renderMarkdown([hostileMatrix('1', 'Needs', ['Wants a script'])], 'marked'));
    expect(foreignMarkup(html, true)).toEqual([]);
    expect(html).toContain('Wants a script (P0:3-4*)<br>');
  });
});

describe('JSON: never altered', () => {
  const text = fc.array(fc.constantFrom(...CSV_FRAGMENTS, ...MD_FRAGMENTS, '\u0001', '\u001f', '\u007f', '\ud83d\ude00', '</script>'), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));

  it('the matrices carry every string byte for byte (property)', () => {
    fc.assert(
      fc.property(text, text, fc.array(text, { minLength: 1, maxLength: 6 }), fc.option(text, { nil: undefined }), quoteMode, (id, label, texts, title, quotes) => {
        const m = hostileMatrix(id, label, texts);
        const out = renderJson([m], quotes, title);
        const doc = JSON.parse(out);
        expect(doc.title).toBe(title ?? null);
        expect(doc.matrices[0].theme).toEqual(m.theme);
        expect(doc.matrices[0].columns).toEqual(m.columns);
        expect(doc.matrices[0].rows).toEqual(m.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, lines: cellLines(c, quotes) })) })));
        // No escaping beyond JSON's own: each string is written as JSON.stringify writes it.
        for (const s of texts) expect(out).toContain(JSON.stringify(s));
      }),
      { numRuns: 500 },
    );
  });

  it('the long layout carries summaries, notes, quotes and attributes byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), quoteMode, (texts, quotes) => {
        const m = hostileMatrix('1', 'Needs', texts);
        const { header, rows } = longTable([m], quotes);
        const back = JSON.parse(renderJsonLong(header, rows)) as Record<string, unknown>[];
        const want: Record<string, unknown>[] = [];
        for (const r of m.rows)
          r.cells.forEach((c, i) => {
            const base = { case: r.case, role: r.attributes.role, theme: '1', code: m.columns[i].code, label: m.columns[i].label };
            if (c.summary !== undefined) want.push({ ...base, ref: null, start: null, end: null, key: false, summary: c.summary, note: c.note ?? null, quote: null, coder: c.coder ?? null });
            for (const e of c.entries)
              want.push({ ...base, ref: e.ref, start: e.startLine, end: e.endLine, key: e.key, summary: e.summary, note: e.note, quote: quotes === 'none' ? null : e.quote, coder: e.coder });
          });
        expect(back).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });
});
