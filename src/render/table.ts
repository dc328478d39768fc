import { cellLines } from '../chart/cellText.js';
import type { Matrix, Row } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/** How a theme becomes a table of text: the chart (themeTable) or the charting template (templateTable). */
export type TableOf = (m: Matrix, quotes: QuoteMode) => { header: string[]; rows: string[][] };

/** A theme's matrix as a plain table (a cell's lines joined by LF), the shape CSV and Markdown share. */
export function themeTable(m: Matrix, quotes: QuoteMode): { header: string[]; rows: string[][] } {
  const header = ['case', ...m.attributes, ...m.columns.map((c) => c.header)];
  const rows = m.rows.map((r) => [r.case, ...m.attributes.map((a) => attribute(r, a)), ...r.cells.map((c) => cellLines(c, quotes).join('\n'))]);
  return { header, rows };
}

/**
 * A case's attribute value as text, blank when the case has none. Only the record's own values count:
 * an attribute named like an Object property (`__proto__`, `constructor`) must not read the prototype.
 */
export function attribute(r: Row, name: string): string {
  const v = Object.hasOwn(r.attributes, name) ? r.attributes[name] : undefined;
  return typeof v === 'string' ? v : '';
}
