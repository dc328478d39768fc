/**
 * Heatmaps as standalone SVG 1.1 files for `stats --svg`. Pure: data in, string out.
 *
 * Made to open the same way in a browser and in a document processor (LibreOffice, Word): presentation
 * attributes rather than a style sheet, no patterns, gradients, fonts or other references, and hover
 * text in `<title>` elements wrapped around what they describe rather than nested in `<text>`, which
 * some importers would draw as part of the text.
 */

/** One cell: `value` drives the colour on a scale legend (0..1 after the caller's scaling), `category` on a categories legend. */
export interface HeatCell {
  /** 0..1, for a 'scale' legend (clamped); undefined or NaN = no data, drawn hatched grey, distinct from 0. */
  value?: number;
  /** A key of the legend's items, for a 'categories' legend; undefined or an unknown key = no data. */
  category?: string;
  /** Short text drawn in the cell (e.g. "3", "40%"); cut to 6 characters. */
  text?: string;
  /** Full description shown on hover; defaults to row · column · text. */
  tooltip?: string;
}

/** A sub-theme column, e.g. `{ id: '1.1', label: '1.1 Substitute prescribing' }`. */
export interface HeatColumn {
  id: string;
  label: string;
}

/** A theme: a label drawn above its columns, e.g. '1 Needs from drug treatment'. */
export interface HeatGroup {
  label: string;
  columns: HeatColumn[];
}

/** A case or a group of cases; `note` is drawn in grey beside the label, e.g. 'n = 6'. */
export interface HeatRow {
  label: string;
  note?: string;
}

/** How cells are coloured and how the key to the colours reads. */
export type HeatLegend =
  | { kind: 'scale'; title: string; low: string; high: string }
  | { kind: 'categories'; title: string; items: { key: string; label: string; colour?: string }[] };

/** Everything a heatmap shows; `cells[r][c]` runs over all columns of all groups in order. */
export interface Heatmap {
  /** Drawn at the top and used as the SVG's accessible title. */
  title: string;
  /** E.g. the filters used; drawn under the title and used as the SVG's `<desc>`. */
  subtitle?: string;
  /** 'case' or the grouping attribute, drawn above the row labels. */
  rowHeader: string;
  rows: HeatRow[];
  groups: HeatGroup[];
  cells: HeatCell[][];
  legend: HeatLegend;
}

/** Cell size when the cell texts are short; cells grow (up to MAX_CELL) to fit longer texts. */
export const CELL = 22;
const MAX_CELL = 42;
/** Longest labels drawn in full, in characters; longer ones end in "…" with the full text on hover. */
export const MAX_COLUMN_LABEL = 40;
export const MAX_ROW_LABEL = 28;
const MAX_GROUP_LABEL = 40;
const MAX_CELL_TEXT = 6;
const MAX_TITLE = 100;
const MAX_SUBTITLE = 140;
const MAX_LEGEND_LABEL = 40;

const MARGIN = 16;
const GROUP_GAP = 6;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const LABEL_SIZE = 11;
const CELL_TEXT_SIZE = 10;
const INK = '#222222';
const FAINT = '#666666';
const NO_DATA = '#e0e0e0';
const HATCH = '#b0b0b0';
const CELL_EDGE = '#ffffff';

/** ColorBrewer Blues: light to dark in one hue, so order reads without a key and survives greyscale. */
const RAMP = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
/** Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies. */
export const CATEGORY_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];

/** An item's own colour (a `#rrggbb` the caller chose for its meaning), else the palette's, in order. */
function categoryColour(item: { colour?: string }, i: number): string {
  return item.colour && /^#[0-9a-fA-F]{6}$/.test(item.colour) ? item.colour : CATEGORY_COLOURS[i % CATEGORY_COLOURS.length];
}

export function renderHeatmap(h: Heatmap): string {
  const columns = h.groups.flatMap((g) => g.columns);
  const out: string[] = [];
  const titleText = clip(h.title, MAX_TITLE);
  const subtitleText = h.subtitle ? clip(h.subtitle, MAX_SUBTITLE) : undefined;

  let y = MARGIN;
  let right = MARGIN + textWidth(titleText.shown, 16, true);
  const head: string[] = [];
  y += 16;
  head.push(label(titleText, MARGIN, y, { size: 16, bold: true }));
  y += 6;
  if (subtitleText) {
    y += 14;
    head.push(label(subtitleText, MARGIN, y, { size: 12, fill: FAINT }));
    right = Math.max(right, MARGIN + textWidth(subtitleText.shown, 12));
    y += 4;
  }

  let body: string[];
  if (h.rows.length === 0 || columns.length === 0) {
    const what = h.rows.length === 0 && columns.length === 0 ? 'no rows and no columns' : h.rows.length === 0 ? 'no rows' : 'no columns';
    const msg = `Nothing to show: ${what}.`;
    y += 24;
    body = [`<text x="${n(MARGIN)}" y="${n(y)}" fill="${FAINT}">${esc(msg)}</text>`];
    right = Math.max(right, MARGIN + textWidth(msg, LABEL_SIZE), 320);
    y += 6;
  } else {
    const grid = drawGrid(h, columns, y);
    body = grid.parts;
    right = Math.max(right, grid.right);
    y = grid.bottom;
  }

  const width = Math.ceil(right + MARGIN);
  const height = Math.ceil(y + MARGIN);
  const labelledBy = subtitleText ? 'dtors-title dtors-desc' : 'dtors-title';
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${labelledBy}">`,
  );
  out.push(`<title id="dtors-title">${esc(h.title)}</title>`);
  if (h.subtitle) out.push(`<desc id="dtors-desc">${esc(h.subtitle)}</desc>`);
  // A white ground, as a document processor may place the picture on a coloured page or in dark mode.
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<g font-family="${FONT}" font-size="${LABEL_SIZE}" fill="${INK}">`);
  out.push(...head, ...body);
  out.push('</g>', '</svg>');
  return out.join('\n') + '\n';
}

interface Drawn {
  parts: string[];
  right: number;
  bottom: number;
}

function drawGrid(h: Heatmap, columns: HeatColumn[], top: number): Drawn {
  const parts: string[] = [];
  const cellTexts = h.rows.map((_, r) => columns.map((_, c) => clip(oneLine(h.cells[r]?.[c]?.text ?? ''), MAX_CELL_TEXT).shown));
  const widest = Math.max(0, ...cellTexts.flat().map((t) => textWidth(t, CELL_TEXT_SIZE)));
  // A point smaller lets "40%" fit the usual cell; beyond that the cells grow rather than the text shrink.
  const textSize = widest + 6 > CELL ? CELL_TEXT_SIZE - 1 : CELL_TEXT_SIZE;
  const cell = Math.min(MAX_CELL, Math.max(CELL, Math.ceil((widest * textSize) / CELL_TEXT_SIZE + 6)));

  const rowLabels = h.rows.map((r) => clip(oneLine(r.label), MAX_ROW_LABEL));
  const notes = h.rows.map((r) => (r.note ? clip(oneLine(r.note), MAX_ROW_LABEL) : undefined));
  const header = clip(oneLine(h.rowHeader), MAX_ROW_LABEL);
  const labelW = Math.max(textWidth(header.shown, LABEL_SIZE, true), ...rowLabels.map((l) => textWidth(l.shown, LABEL_SIZE)));
  const noteW = Math.max(0, ...notes.map((l) => (l ? textWidth(l.shown, LABEL_SIZE) : 0)));
  const noteX = MARGIN + labelW + 10;
  const gridLeft = noteX + (noteW > 0 ? noteW + 10 : 0);

  // Column positions, with a gap between themes for the separator line.
  const colX: number[] = [];
  const groupSpan: { x0: number; x1: number }[] = [];
  let x = gridLeft;
  for (const g of h.groups) {
    const x0 = x;
    for (let i = 0; i < g.columns.length; i++) {
      colX.push(x);
      x += cell;
    }
    groupSpan.push({ x0, x1: x });
    if (g.columns.length > 0) x += GROUP_GAP;
  }
  const gridRight = colX[colX.length - 1] + cell;
  let right = gridRight;

  // Legend, under the title, wrapped to the width of the chart (or a readable minimum).
  const legend = drawLegend(h, MARGIN, top + 10, Math.max(gridRight - MARGIN, 400));
  parts.push(...legend.parts);
  right = Math.max(right, legend.right);
  let y = legend.bottom + 12;

  // Theme labels may be wider than their columns. Each starts at its theme's left edge, on the first
  // lane below every earlier label that reaches over that edge, so labels never overlap and the
  // separator line dropping from a label's lane crosses no other label.
  const groupLabels = h.groups.map((g) => clip(oneLine(g.label), MAX_GROUP_LABEL));
  const lanes: number[] = [];
  const ends: number[] = [];
  h.groups.forEach((g, i) => {
    if (g.columns.length === 0) {
      lanes.push(-1);
      ends.push(0);
      return;
    }
    const x0 = groupSpan[i].x0;
    let lane = 0;
    for (let j = 0; j < i; j++) if (lanes[j] >= 0 && ends[j] > x0) lane = Math.max(lane, lanes[j] + 1);
    lanes.push(lane);
    ends.push(x0 + Math.max(textWidth(groupLabels[i].shown, LABEL_SIZE, true), groupSpan[i].x1 - x0) + 8);
  });
  const laneCount = Math.max(0, ...lanes) + 1;
  const LANE = 17;
  const lanesTop = y;
  const laneBaseline = (lane: number) => lanesTop + 12 + lane * LANE;
  const ruleY = (lane: number) => laneBaseline(lane) + 4;
  y += laneCount * LANE + 4;

  // Column labels run upwards from just above the cells.
  const colLabels = columns.map((c) => clip(oneLine(c.label), MAX_COLUMN_LABEL));
  const colLabelH = Math.max(...colLabels.map((l) => textWidth(l.shown, LABEL_SIZE))) + 6;
  const gridTop = y + colLabelH + 4;
  const gridBottom = gridTop + h.rows.length * cell;

  h.groups.forEach((g, i) => {
    if (lanes[i] < 0) return;
    const { x0, x1 } = groupSpan[i];
    const lane = lanes[i];
    parts.push(label(groupLabels[i], x0, laneBaseline(lane), { bold: true }));
    parts.push(line(x0, ruleY(lane), x1, ruleY(lane), '#555555'));
    right = Math.max(right, ends[i] - 8);
    if (i > 0 && groupSpan.slice(0, i).some((s) => s.x1 > s.x0)) {
      const sx = x0 - GROUP_GAP / 2;
      parts.push(line(sx, ruleY(lane) - 12, sx, gridBottom, '#888888'));
    }
  });

  colLabels.forEach((l, c) => {
    const bx = colX[c] + cell / 2 + LABEL_SIZE * 0.35;
    const by = gridTop - 4;
    parts.push(label(l, bx, by, { rotate: true }));
  });

  parts.push(label(header, MARGIN, gridTop - 6, { bold: true }));
  h.rows.forEach((_, r) => {
    const cy = gridTop + r * cell + cell / 2;
    parts.push(label(rowLabels[r], MARGIN, cy + 4));
    const note = notes[r];
    if (note) parts.push(label(note, noteX, cy + 4, { fill: FAINT }));
  });

  // A study of a thousand cases has tens of thousands of cells: what is the same for many cells (a
  // category's colour and label, the ink on a colour, a column's x) is worked out once.
  const legendItems = h.legend.kind === 'categories' ? h.legend.items : [];
  const catLabels = new Map<string, string>();
  for (const i of legendItems) if (!catLabels.has(i.key)) catLabels.set(i.key, i.label);
  const inks = new Map<string, string>();
  const inkOn = (fill: string) => {
    let ink = inks.get(fill);
    if (ink === undefined) inks.set(fill, (ink = luminance(fill) > 0.179 ? '#000000' : '#ffffff'));
    return ink;
  };
  const fills = new FillCache(h.legend);
  const xs = colX.map((x) => n(x));
  const size = n(cell);
  h.rows.forEach((row, r) => {
    const cy = gridTop + r * cell;
    const y = n(cy);
    // A row's cells are joined at once: the pieces of each cell then die young, and the garbage
    // collector copies a thousand row strings rather than every piece of fifty thousand cells.
    const cells: string[] = [];
    columns.forEach((col, c) => {
      const data = h.cells[r]?.[c] ?? {};
      const fill = fills.of(data);
      const cx = colX[c];
      const shown = cellTexts[r][c];
      const catLabel = data.category !== undefined ? catLabels.get(data.category) : undefined;
      const tip =
        data.tooltip ?? [row.label, col.label, data.text || catLabel || (fill === undefined ? 'no data' : undefined)].filter((s) => s).join(' · ');
      let g = `<g><title>${esc(tip)}</title><rect class="cell" id="cell-${r}-${c}" x="${xs[c]}" y="${y}" width="${size}" height="${size}" fill="${fill ?? NO_DATA}" stroke="${CELL_EDGE}" stroke-width="1"/>`;
      if (fill === undefined) g += hatch(cx, cy, cell);
      if (shown) g += `<text x="${n(cx + cell / 2)}" y="${n(cy + cell / 2 + textSize * 0.35)}" font-size="${textSize}" text-anchor="middle" fill="${inkOn(fill ?? NO_DATA)}">${esc(shown)}</text>`;
      cells.push(g + '</g>');
    });
    parts.push(cells.join('\n'));
  });

  return { parts, right, bottom: gridBottom };
}

/** The legend laid out left to right, wrapping before `wrap` pixels. */
function drawLegend(h: Heatmap, left: number, top: number, wrap: number): Drawn {
  const LINE = 20;
  const GAP = 14;
  const columns = h.groups.flatMap((g) => g.columns);
  const fills = new FillCache(h.legend);
  const hasNoData = h.rows.some((_, r) => columns.some((_, c) => fills.of(h.cells[r]?.[c] ?? {}) === undefined));

  // Each token draws itself at (x, line top) and reports its width.
  type Token = { width: number; draw: (x: number, y: number) => string };
  const tokens: Token[] = [];
  const title = clip(oneLine(h.legend.title), MAX_LEGEND_LABEL);
  if (title.shown) tokens.push({ width: textWidth(title.shown, LABEL_SIZE, true), draw: (x, y) => label(title, x, y + 11, { bold: true }) });

  const swatch = (x: number, y: number, fill: string) => `<rect x="${n(x)}" y="${n(y)}" width="14" height="14" fill="${fill}" stroke="#999999" stroke-width="0.5"/>`;
  const boxed = (text: string, fill: string | undefined): Token => {
    const l = clip(oneLine(text), MAX_LEGEND_LABEL);
    return {
      width: 18 + textWidth(l.shown, LABEL_SIZE),
      draw: (x, y) => (fill ? swatch(x, y, fill) : swatch(x, y, NO_DATA) + hatch(x, y, 14)) + label(l, x + 18, y + 11),
    };
  };

  if (h.legend.kind === 'scale') {
    const low = clip(oneLine(h.legend.low), MAX_LEGEND_LABEL);
    const high = clip(oneLine(h.legend.high), MAX_LEGEND_LABEL);
    const lowW = textWidth(low.shown, LABEL_SIZE);
    const steps = RAMP.length;
    tokens.push({
      width: lowW + 6 + steps * 14 + 6 + textWidth(high.shown, LABEL_SIZE),
      draw: (x, y) => {
        // Stepped boxes at the ramp's own stops rather than a gradient: every importer draws them.
        const s = [label(low, x, y + 11)];
        for (let i = 0; i < steps; i++) s.push(swatch(x + lowW + 6 + i * 14, y, rampColour(i / (steps - 1))));
        s.push(label(high, x + lowW + 6 + steps * 14 + 6, y + 11));
        return s.join('');
      },
    });
  } else {
    h.legend.items.forEach((item, i) => tokens.push(boxed(item.label, categoryColour(item, i))));
  }
  if (hasNoData) tokens.push(boxed('no data', undefined));

  const parts: string[] = [];
  let x = left;
  let y = top;
  let right = left;
  for (const t of tokens) {
    if (x > left && x + t.width > left + wrap) {
      x = left;
      y += LINE;
    }
    parts.push(t.draw(x, y));
    right = Math.max(right, x + t.width);
    x += t.width + GAP;
  }
  return { parts, right, bottom: y + 14 };
}

/** The cell's colour, or undefined for no data. */
function cellFill(legend: HeatLegend, cell: HeatCell): string | undefined {
  if (legend.kind === 'scale') {
    const v = cell.value;
    return v === undefined || Number.isNaN(v) ? undefined : rampColour(v);
  }
  if (cell.category === undefined) return undefined;
  const i = legend.items.findIndex((item) => item.key === cell.category);
  return i < 0 ? undefined : categoryColour(legend.items[i], i);
}

/** cellFill, remembered per category and per value: most cells of a large heatmap share a few. */
class FillCache {
  private readonly known = new Map<string | number, string | undefined>();
  constructor(private readonly legend: HeatLegend) {}
  of(cell: HeatCell): string | undefined {
    const k = this.legend.kind === 'scale' ? cell.value : cell.category;
    if (k === undefined) return cellFill(this.legend, cell);
    if (this.known.has(k)) return this.known.get(k);
    const fill = cellFill(this.legend, cell);
    this.known.set(k, fill);
    return fill;
  }
}

/** The ramp at `v` (clamped to 0..1), interpolated in RGB between neighbouring stops. */
export function rampColour(v: number): string {
  const t = Math.min(1, Math.max(0, v)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  const a = rgb(RAMP[i]);
  const b = rgb(RAMP[i + 1]);
  return '#' + a.map((ch, k) => Math.round(ch + (b[k] - ch) * f).toString(16).padStart(2, '0')).join('');
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** WCAG relative luminance; above about 0.18 black text has the better contrast, below it white. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((ch) => {
    const s = ch / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Three diagonals inside a square: a hatch drawn as plain lines, since patterns import unreliably. */
function hatch(x: number, y: number, s: number): string {
  const h = s / 2;
  const d = `M${n(x)} ${n(y + h)}L${n(x + h)} ${n(y)}M${n(x)} ${n(y + s)}L${n(x + s)} ${n(y)}M${n(x + h)} ${n(y + s)}L${n(x + s)} ${n(y + h)}`;
  return `<path d="${d}" stroke="${HATCH}" stroke-width="1" fill="none"/>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="1"/>`;
}

interface Clipped {
  shown: string;
  full: string;
  cut: boolean;
}

/** `s` cut to `max` characters (code points, so no surrogate pair is split), ending in "…" if cut. */
function clip(s: string, max: number): Clipped {
  const chars = Array.from(s);
  if (chars.length <= max) return { shown: s, full: s, cut: false };
  return { shown: chars.slice(0, max - 1).join('').trimEnd() + '…', full: s, cut: true };
}

/** Line breaks and tabs in a label would be drawn as spaces anyway; one space keeps the width estimate true. */
function oneLine(s: string): string {
  return s.replace(/[\t\n\r]+/g, ' ');
}

/** A text element; a cut label is wrapped in a group whose `<title>` holds the full text for hover. */
function label(l: Clipped, x: number, y: number, o: { size?: number; bold?: boolean; fill?: string; rotate?: boolean } = {}): string {
  const attrs = [`x="${n(x)}"`, `y="${n(y)}"`];
  if (o.rotate) attrs.push(`transform="rotate(-90 ${n(x)} ${n(y)})"`);
  if (o.size) attrs.push(`font-size="${o.size}"`);
  if (o.bold) attrs.push('font-weight="bold"');
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  const text = `<text ${attrs.join(' ')}>${esc(l.shown)}</text>`;
  return l.cut ? `<g><title>${esc(l.full)}</title>${text}</g>` : text;
}

/**
 * Estimated advance width: about 0.6 em for Latin text in DejaVu Sans or Arial (0.65 em bold), a full
 * em for wide East Asian characters and emoji, nothing for combining marks. Generous on purpose: a
 * little slack is better than a clipped label.
 */
export function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || cp === 0xfe0f) continue;
    em += cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || cp >= 0x1f000) ? 1 : bold ? 0.65 : 0.6;
  }
  return em * size;
}

/** Characters XML 1.0 forbids even as references: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;
const XML_SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe as XML content or an attribute value, whatever it held. */
export function esc(s: string): string {
  // Most texts need nothing; this test (any surrogate, even a sound pair, takes the long way) is cheap.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(NOT_XML, '\uFFFD').replace(XML_SPECIAL, (c) => ENTITY[c]);
}
const NEEDS_ESCAPE = /[&<>"'\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** A coordinate with at most two decimals and never `-0`, so output is stable across platforms. */
function n(v: number): string {
  const r = Math.round(v * 100) / 100;
  if (r === 0) return '0';
  // r is the double nearest a whole number of hundredths, so its shortest form has at most two
  // decimals and no trailing zero: what toFixed(2) gives with the zeros taken off, only faster.
  return String(r);
}
