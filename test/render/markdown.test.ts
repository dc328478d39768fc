import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marked, type Tokens } from 'marked';
import { mdTable, mdText } from '../../src/render/markdown.js';

/** Parses GFM and returns the first table's header and rows as plain text. */
function parseTable(md: string): { header: string[]; rows: string[][] } | undefined {
  const tokens = marked.lexer(md, { gfm: true });
  const t = tokens.find((x) => x.type === 'table') as Tokens.Table | undefined;
  if (!t) return undefined;
  return { header: t.header.map((c) => c.text), rows: t.rows.map((r) => r.map((c) => c.text)) };
}

describe('Markdown tables', () => {
  it('escapes what would break a table or run as HTML', () => {
    expect(mdText('a | b <script>x</script> & c\nd')).toBe('a \\| b &lt;script&gt;x&lt;/script&gt; &amp; c<br>d');
  });

  it('keeps the key-quote mark readable', () => {
    expect(mdText('Summary (P07:112-118*; P07:3*)')).toBe('Summary (P07:112-118*; P07:3*)');
    expect(mdText('a *b* _c_ `d`')).toBe('a \\*b\\* \\_c\\_ \\`d\\`');
  });

  it('keeps the table shape for any cell text (GFM parser)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ' ', '|', '\\', '\n', '<', '>', '&', '*', '_', '`', '#', '-', '[', ']', '(', ')', 'é', '🙂'), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const parsed = parseTable(mdTable(['case', 'x', 'y'], rows));
        expect(parsed).toBeDefined();
        expect(parsed!.header).toEqual(['case', 'x', 'y']);
        expect(parsed!.rows.length).toBe(rows.length);
        for (const r of parsed!.rows) expect(r.length).toBe(3);
      }),
      { numRuns: 300 },
    );
  });
});
