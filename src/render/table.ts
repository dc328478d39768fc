import { cellLines } from '../chart/cellText.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/** A theme's matrix as a plain table (a cell's lines joined by LF), the shape CSV and Markdown share. */
export function themeTable(m: Matrix, quotes: QuoteMode): { header: string[]; rows: string[][] } {
  const header = ['case', ...m.attributes, ...m.columns.map((c) => c.header)];
  const rows = m.rows.map((r) => [r.case, ...m.attributes.map((a) => r.attributes[a]), ...r.cells.map((c) => cellLines(c, quotes).join('\n'))]);
  return { header, rows };
}
