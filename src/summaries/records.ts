import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { tableOf } from '../render/outputs.js';
import { codingHash, summaryHash, type CellRecord } from './cells.js';

/**
 * A record of every cell of the charts as written in a CSV or workbook cell (the template's or the
 * chart's text, chosen as the outputs choose it), for the manifest.
 */
export function cellRecords(matrices: Matrix[], o: { template?: boolean; quotes: QuoteMode }): CellRecord[] {
  const table = tableOf(o);
  const out: CellRecord[] = [];
  for (const m of matrices) {
    const { rows } = table(m, o.quotes);
    const first = 1 + m.attributes.length;
    m.rows.forEach((r, i) => {
      r.cells.forEach((cell, k) => out.push({ case: r.case, code: cell.code, coding: codingHash(cell), summary: summaryHash(rows[i][first + k]) }));
    });
  }
  return out;
}
