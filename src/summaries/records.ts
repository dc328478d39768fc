import type { Cell, Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { tableOf } from '../render/outputs.js';
import { codingHash, summaryHash, type CellRecord } from './cells.js';

/**
 * Every cell of the charts with its text as a CSV or workbook cell holds it (the template's or the
 * chart's, chosen as the outputs choose it).
 */
export function cellTexts(matrices: Matrix[], o: { template?: boolean; quotes: QuoteMode }): { case: string; cell: Cell; text: string }[] {
  const table = tableOf(o);
  const out: { case: string; cell: Cell; text: string }[] = [];
  for (const m of matrices) {
    const { rows } = table(m, o.quotes);
    const first = 1 + m.attributes.length;
    m.rows.forEach((r, i) => r.cells.forEach((cell, k) => out.push({ case: r.case, cell, text: rows[i][first + k] })));
  }
  return out;
}

/** A record of every cell of the charts as written, for the manifest. */
export function cellRecords(matrices: Matrix[], o: { template?: boolean; quotes: QuoteMode }): CellRecord[] {
  return cellTexts(matrices, o).map((c) => ({ case: c.case, code: c.cell.code, coding: codingHash(c.cell), summary: summaryHash(c.text) }));
}
