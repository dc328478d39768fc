import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CATEGORY_COLOURS, rampColour, renderHeatmap, type HeatCell, type Heatmap, type HeatLegend } from '../../src/render/svg.js';

/**
 * A small well-formedness check: tags balance, names and attributes are well formed, attribute
 * values are quoted and hold no raw `<`, and text holds no `<` or `&` that does not start a tag or an
 * entity. Also rejects characters XML 1.0 does not allow. Returns the problem, or undefined.
 */
function xmlProblem(doc: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u.test(doc)) return 'character not allowed in XML';
  const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
  const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
  const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
  const stack: string[] = [];
  let i = 0;
  let roots = 0;
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) return 'unclosed declaration';
    i = end + 2;
  }
  while (i < doc.length) {
    const ch = doc[i];
    if (ch === '<') {
      const m = TAG.exec(doc.slice(i));
      if (!m) return `bad tag at ${i}: ${doc.slice(i, i + 40)}`;
      const [all, close, name, attrs, selfClose] = m;
      for (const a of attrs.matchAll(/\s*([^\s=]+)\s*=\s*("[^"]*"|'[^']*')/g)) {
        const value = a[2].slice(1, -1);
        for (let k = value.indexOf('&'); k >= 0; k = value.indexOf('&', k + 1)) if (!ENTITY.test(value.slice(k))) return `raw & in attribute ${a[1]}`;
      }
      const names = [...attrs.matchAll(/\s*([^\s=]+)\s*=/g)].map((a) => a[1]);
      if (new Set(names).size !== names.length) return `repeated attribute in <${name}>`;
      if (close) {
        if (attrs.trim() || selfClose) return `bad end tag </${name}>`;
        if (stack.pop() !== name) return `mismatched </${name}> at ${i}`;
      } else if (!selfClose) {
        if (stack.length === 0) roots++;
        stack.push(name);
      } else if (stack.length === 0) roots++;
      i += all.length;
    } else if (ch === '&') {
      if (!ENTITY.test(doc.slice(i))) return `raw & at ${i}`;
      i++;
    } else {
      if (stack.length === 0 && !/\s/.test(ch)) return `text outside the root at ${i}`;
      if (ch === '>' && doc.slice(i - 2, i) === ']]') return ']]> in text';
      i++;
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

const GROUPS = [
  {
    label: '1 Needs from drug treatment',
    columns: [
      { id: '1.1', label: '1.1 Substitute prescribing' },
      { id: '1.2', label: '1.2 Detox & rehab' },
    ],
  },
  {
    label: '2 Criminal justice',
    columns: [
      { id: '2.1', label: '2.1 Arrest referral' },
      { id: '2.2', label: '2.2 Court orders, a sub-theme with a label far longer than forty characters' },
      { id: '2.3', label: '2.3 Prison <release>' },
    ],
  },
];
const ROWS = [{ label: 'P01', note: 'criminal justice' }, { label: 'P02' }, { label: 'P07', note: 'self-referred' }];

function scaleMap(): Heatmap {
  const values: (number | undefined)[][] = [
    [0, 0.25, undefined, 1, 0.5],
    [0.1, 0.9, 0, undefined, 0.75],
    [1, 0, 0.3, 0.6, undefined],
  ];
  return {
    title: 'Presence of sub-themes',
    subtitle: 'cases where route = criminal justice',
    rowHeader: 'case',
    rows: ROWS,
    groups: GROUPS,
    cells: values.map((row, r) =>
      row.map((value, c) => ({ value, text: value === undefined ? undefined : String(Math.round(value * 7)), tooltip: c === 0 ? `${ROWS[r].label} · first` : undefined })),
    ),
    legend: { kind: 'scale', title: 'passages', low: '0', high: '7' },
  };
}

function categoryMap(): Heatmap {
  const legend: HeatLegend = {
    kind: 'categories',
    title: 'difference',
    items: [
      { key: 'only-a', label: 'only in group A' },
      { key: 'only-b', label: 'only in group B' },
      { key: 'both', label: 'in both' },
    ],
  };
  const keys = ['only-a', 'only-b', 'both', undefined, 'unknown'];
  return {
    title: 'Compare',
    rowHeader: 'route',
    rows: [{ label: 'criminal justice', note: 'n = 6' }, { label: 'self-referred', note: 'n = 4' }, { label: 'GP' }],
    groups: GROUPS,
    cells: [0, 1, 2].map((r) => keys.map((_, c) => ({ category: keys[(c + r) % keys.length] }))),
    legend,
  };
}

function hostileMap(): Heatmap {
  const evil = ['</svg><script>alert(1)</script>', '&amp; &lt; "q" \'a\'', 'nul\0here\x07bell', 'emoji 🙂👩‍⚕️ end', 'rtl \u202Eevil', 'lone \uD800 surrogate', ']]> cdata', 'non-char \uFFFE\uFFFF'];
  const cols = evil.map((label, i) => ({ id: `${i}`, label: label.repeat(i === 0 ? 3 : 1) }));
  return {
    title: evil.join(' | '),
    subtitle: evil[0],
    rowHeader: evil[1],
    rows: evil.map((label, i) => ({ label, note: evil[(i + 1) % evil.length] })),
    groups: [
      { label: evil[0], columns: cols.slice(0, 4) },
      { label: evil[2], columns: cols.slice(4) },
    ],
    cells: evil.map((_, r) => evil.map((t, c) => ({ value: (r + c) / 16, text: t, tooltip: evil[(r + c) % evil.length] }))),
    legend: { kind: 'scale', title: evil[0], low: evil[1], high: evil[2] },
  };
}

/** The attributes of the cell rect at (r, c). */
function cellRect(svg: string, r: number, c: number): string {
  const m = new RegExp(`<rect class="cell" id="cell-${r}-${c}"[^>]*>`).exec(svg);
  expect(m, `cell ${r},${c}`).not.toBeNull();
  return m![0];
}

function fillOf(tag: string): string {
  return /fill="([^"]*)"/.exec(tag)![1];
}

function escaped(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function checkFrame(svg: string): { width: number; height: number } {
  expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const root = /<svg [^>]*>/.exec(svg)![0];
  const width = /\swidth="([^"]+)"/.exec(root)![1];
  const height = /\sheight="([^"]+)"/.exec(root)![1];
  expect(width).toMatch(/^[0-9]+(\.[0-9]+)?$/);
  expect(height).toMatch(/^[0-9]+(\.[0-9]+)?$/);
  expect(Number(width)).toBeGreaterThan(0);
  expect(Number(height)).toBeGreaterThan(0);
  expect(root).toContain(`viewBox="0 0 ${width} ${height}"`);
  expect(root).toContain('role="img"');
  expect(root).toMatch(/aria-labelledby="dtors-title/);
  expect(svg).toContain('<title id="dtors-title">');
  expect(svg.match(/font-family="/g)).toHaveLength(1);
  // Nothing outside the file: no links, images, scripts, style sheets or web fonts.
  expect(svg).not.toMatch(/href|<image|<script|<style|@import|url\(|<foreignObject/i);
  // Coordinates: at most two decimals, never -0.
  for (const m of svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|width|height|d|transform|viewBox)="([^"]*)"/g))
    for (const num of m[1].match(/-?[0-9.]+/g) ?? []) expect(num).toMatch(/^(?!-0$)-?[0-9]+(\.[0-9]{1,2})?$/);
  expect(xmlProblem(svg)).toBeUndefined();
  return { width: Number(width), height: Number(height) };
}

describe('the well-formedness checker', () => {
  it('rejects what it should', () => {
    expect(xmlProblem('<a><b/></a>')).toBeUndefined();
    expect(xmlProblem('<a>x &amp; y &#x1F642;</a>')).toBeUndefined();
    expect(xmlProblem('<a><b></a>')).toBeDefined();
    expect(xmlProblem('<a>x & y</a>')).toBeDefined();
    expect(xmlProblem('<a>x < y</a>')).toBeDefined();
    expect(xmlProblem('<a t="<"/>')).toBeDefined();
    expect(xmlProblem('<a t="&"/>')).toBeDefined();
    expect(xmlProblem('<a>\0</a>')).toBeDefined();
    expect(xmlProblem('<a/><b/>')).toBeDefined();
    expect(xmlProblem('<a x="1" x="2"/>')).toBeDefined();
  });
});

describe('SVG heatmap', () => {
  it('draws a scale heatmap: one rect per cell, every label, a sized frame', () => {
    const h = scaleMap();
    const svg = renderHeatmap(h);
    const { width, height } = checkFrame(svg);
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(3 * 5);
    for (const text of [h.title, h.subtitle!, h.rowHeader, ...ROWS.map((r) => r.label), 'criminal justice', 'self-referred', ...GROUPS.map((g) => g.label), '0', '7', 'passages'])
      expect(svg).toContain(escaped(text));
    for (const c of GROUPS.flatMap((g) => g.columns)) expect(svg).toContain(escaped(c.label));
    expect(svg).toContain('1.2 Detox &amp; rehab');
    expect(svg).toContain('2.3 Prison &lt;release&gt;');
    // The long column label is cut, with the full text kept for hover.
    expect(svg).toMatch(/>2\.2 Court orders, a sub-theme with a la…<\/text>/);
    // Tooltips: the caller's, or row · column · text.
    expect(svg).toContain('<title>P01 · first</title>');
    expect(svg).toContain('<title>P02 · 1.2 Detox &amp; rehab · 6</title>');
    expect(svg).toContain('<title>P01 · 2.1 Arrest referral · no data</title>');
    expect(svg).toContain('no data');
    // Everything drawn fits: no coordinate beyond the frame.
    for (const m of svg.matchAll(/\s(x|x1|x2|width)="([0-9.]+)"/g)) expect(Number(m[2])).toBeLessThanOrEqual(width);
    for (const m of svg.matchAll(/\s(y|y1|y2|height)="([0-9.]+)"/g)) expect(Number(m[2])).toBeLessThanOrEqual(height);
  });

  it('draws a categories heatmap in the legend colours', () => {
    const h = categoryMap();
    const svg = renderHeatmap(h);
    checkFrame(svg);
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(3 * 5);
    for (const text of [h.title, h.rowHeader, ...h.rows.map((r) => r.label), 'n = 6', 'n = 4', 'only in group A', 'only in group B', 'in both', 'difference'])
      expect(svg).toContain(escaped(text));
    expect(fillOf(cellRect(svg, 0, 0))).toBe(CATEGORY_COLOURS[0]);
    expect(fillOf(cellRect(svg, 0, 1))).toBe(CATEGORY_COLOURS[1]);
    expect(fillOf(cellRect(svg, 1, 1))).toBe(CATEGORY_COLOURS[2]);
    // Absent and unknown categories are both drawn as no data, not in a legend colour.
    const absent = fillOf(cellRect(svg, 0, 3));
    expect(absent).toBe(fillOf(cellRect(svg, 0, 4)));
    expect(CATEGORY_COLOURS).not.toContain(absent);
    // The legend shows a swatch in each item's colour.
    for (const colour of CATEGORY_COLOURS.slice(0, 3)) expect(svg).toMatch(new RegExp(`<rect [^>]*width="14" height="14" fill="${colour}"`));
  });

  it('keeps no data apart from 0, and darkens with the value', () => {
    const svg = renderHeatmap(scaleMap());
    const zero = fillOf(cellRect(svg, 0, 0));
    const none = fillOf(cellRect(svg, 0, 2));
    expect(zero).not.toBe(none);
    expect(zero).toBe(rampColour(0));
    expect(fillOf(cellRect(svg, 0, 3))).toBe(rampColour(1));
    // No-data cells are hatched as well as grey.
    expect(svg).toMatch(new RegExp(`id="cell-0-2"[^>]*/><path d="M`));
    expect(svg).not.toMatch(new RegExp(`id="cell-0-0"[^>]*/><path`));
    const lum = (hex: string) => [1, 3, 5].reduce((s, i) => s + parseInt(hex.slice(i, i + 2), 16), 0);
    expect(lum(rampColour(0))).toBeGreaterThan(lum(rampColour(0.5)));
    expect(lum(rampColour(0.5))).toBeGreaterThan(lum(rampColour(1)));
    expect(rampColour(-1)).toBe(rampColour(0));
    expect(rampColour(2)).toBe(rampColour(1));
    expect(rampColour(0)).toBe('#f7fbff');
    expect(rampColour(1)).toBe('#08306b');
  });

  it('writes cell text in black on light cells and white on dark ones', () => {
    const svg = renderHeatmap(scaleMap());
    const textAfter = (r: number, c: number) => new RegExp(`id="cell-${r}-${c}"[^>]*/><text [^>]*fill="(#[0-9a-f]+)"`).exec(svg)![1];
    expect(textAfter(0, 0)).toBe('#000000');
    expect(textAfter(0, 3)).toBe('#ffffff');
  });

  it('escapes hostile labels and stays well formed', () => {
    const svg = renderHeatmap(hostileMap());
    checkFrame(svg);
    expect(svg).not.toMatch(/<script|<\/svg><|\0|\x07|\uD800|\uFFFE|\uFFFF/);
    expect(svg).toContain('&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&amp;amp; &amp;lt; &quot;q&quot; &apos;a&apos;');
    expect(svg).toContain('nul\uFFFDhere\uFFFDbell');
    expect(svg).toContain('lone \uFFFD surrogate');
    expect(svg).toContain('emoji 🙂👩‍⚕️ end');
    expect(svg).toContain('rtl \u202Eevil');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(8 * 8);
  });

  it('stays well formed for any text', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('<', '>', '&', '"', "'", '\0', '\uD800', '\uDC00', '\uFFFE', '\u202E', ']', '…', ';', '#'), fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp))), maxLength: 60 });
    fc.assert(
      fc.property(text, text, text, fc.array(text, { minLength: 1, maxLength: 3 }), (title, row, col, cellTexts) => {
        const cells: HeatCell[][] = [cellTexts.map((t, i) => ({ value: i / 3, text: t, tooltip: t }))];
        const svg = renderHeatmap({
          title,
          subtitle: row,
          rowHeader: col,
          rows: [{ label: row, note: col }],
          groups: [{ label: col, columns: cellTexts.map((t, i) => ({ id: `${i}`, label: t + col })) }],
          cells,
          legend: { kind: 'categories', title: title, items: [{ key: row, label: col }] },
        });
        expect(xmlProblem(svg)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    for (const make of [scaleMap, categoryMap, hostileMap]) expect(renderHeatmap(make())).toBe(renderHeatmap(make()));
  });

  it('says there is nothing to show when there are no rows or no columns', () => {
    const noRows = renderHeatmap({ ...scaleMap(), rows: [], cells: [] });
    const noColumns = renderHeatmap({ ...scaleMap(), groups: [], cells: [[], [], []] });
    const emptyGroups = renderHeatmap({ ...categoryMap(), groups: [{ label: 'x', columns: [] }], cells: [[], [], []] });
    for (const svg of [noRows, noColumns, emptyGroups]) {
      checkFrame(svg);
      expect(svg).toContain('Nothing to show');
      expect(svg).not.toContain('class="cell"');
    }
    expect(noRows).toContain('<text x="16" y="32" font-size="16" font-weight="bold">Presence of sub-themes</text>');
    expect(noRows).toContain('no rows');
    expect(noColumns).toContain('no columns');
  });

  it('tolerates short cell rows and empty groups between others', () => {
    const h = scaleMap();
    const svg = renderHeatmap({ ...h, groups: [h.groups[0], { label: 'empty', columns: [] }, h.groups[1]], cells: [h.cells[0].slice(0, 2), h.cells[1], []] });
    checkFrame(svg);
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(15);
    expect(fillOf(cellRect(svg, 2, 0))).toBe(fillOf(cellRect(svg, 0, 2)));
  });

  it('widens cells for longer texts and keeps group labels apart', () => {
    const h = scaleMap();
    const wide = renderHeatmap({ ...h, cells: h.cells.map((row) => row.map((c) => ({ ...c, text: '100%' }))) });
    expect(Number(/id="cell-0-0"[^>]*\swidth="([0-9.]+)"/.exec(wide)![1])).toBeGreaterThan(22);
    expect(Number(/id="cell-0-0"[^>]*\swidth="([0-9.]+)"/.exec(renderHeatmap(h))![1])).toBe(22);
    // Narrow themes with long labels: no two theme labels share a line where they would overlap.
    const groups = Array.from({ length: 4 }, (_, g) => ({ label: `${g + 1} A theme label that is much wider than its column`, columns: [{ id: `${g}.1`, label: `${g}.1 x` }] }));
    const svg = renderHeatmap({ ...h, groups, cells: h.rows.map(() => groups.map(() => ({ value: 0.5 }))) });
    checkFrame(svg);
    const ys = [...svg.matchAll(/<text x="[0-9.]+" y="([0-9.]+)" font-weight="bold">[1-4] A theme/g)].map((m) => m[1]);
    expect(ys).toHaveLength(4);
    expect(new Set(ys).size).toBe(4);
  });
});
