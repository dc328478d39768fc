/**
 * The charting template (`dtors chart --template`): each cell a slot for the analyst's summary, then
 * the passages it rests on, one line each, so that the summary can be written in a spreadsheet and
 * brought back (`dtors summaries import`). Every line dtors adds starts with a bracket (`[P07:112-118*]`,
 * `[Note: …]`) or is a verbatim quote followed by its reference: readCellSummary() never takes such a
 * line for the analyst's words, wherever in the cell it ends up.
 */
import type { Cell, Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { oneLine } from '../project/text.js';
import { attribute } from '../render/table.js';

/** A template cell as lines: the summary slot (the cell summary so far, if any), then its passages. */
export function templateLines(cell: Cell, quotes: QuoteMode): string[] {
  const out: string[] = [];
  if (cell.state === 'cell-summary') out.push(cell.summary!);
  else if (cell.state === 'not-discussed' || cell.state === 'not-asked') out.push(`[${cell.state.replace('-', ' ')}]`);
  if (cell.note) out.push(`[Note: ${cell.note}]`);
  // Two coders' identical passages are one line, as in the chart.
  const seen = new Set<string>();
  for (const e of cell.entries) {
    const ref = quotes !== 'none' && e.key ? `${e.ref}*` : e.ref;
    // A passage's own summary helps to write the cell's. On one line: a line break would start a line
    // of its own, and the next line might be taken for the analyst's.
    const line = `[${ref}]${e.summary ? ` ${oneLine(e.summary)}` : ''}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
    if (e.note) out.push(`[Note: ${oneLine(e.note)} (${e.ref})]`);
    if (quotes === 'full' && e.quote) out.push(`"${e.quote}" (${e.ref})`);
  }
  return out;
}

/** A theme's template as a plain table, the shape CSV, Markdown and the workbook share (see themeTable). */
export function templateTable(m: Matrix, quotes: QuoteMode): { header: string[]; rows: string[][] } {
  const header = ['case', ...m.attributes, ...m.columns.map((c) => c.header)];
  const rows = m.rows.map((r) => [r.case, ...m.attributes.map((a) => attribute(r, a)), ...r.cells.map((c) => templateLines(c, quotes).join('\n'))]);
  return { header, rows };
}
