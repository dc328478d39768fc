import { LONG_COLUMNS, type Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { attribute } from './table.js';

/**
 * The tidy ("long") layout: one row per charted entry, for pivot tables, R and pandas. A cell summary
 * or recorded absence is a row of its own with no reference.
 */
export function longTable(matrices: Matrix[], quotes: QuoteMode): { header: string[]; rows: string[][] } {
  const attrs = matrices[0]?.attributes ?? [];
  const header = ['case', ...attrs, ...LONG_COLUMNS];
  const rows: string[][] = [];
  for (const m of matrices) {
    for (const r of m.rows) {
      const lead = [r.case, ...attrs.map((a) => attribute(r, a))];
      r.cells.forEach((cell, i) => {
        const col = m.columns[i];
        const base = [...lead, m.theme.id, col.code, col.label];
        if (cell.summary !== undefined) {
          rows.push([...base, '', '', '', '', cell.summary, cell.note ?? '', '', cell.coder ?? '']);
        }
        for (const e of cell.entries) {
          rows.push([
            ...base,
            e.ref,
            String(e.startLine),
            String(e.endLine),
            e.key ? 'yes' : '',
            e.summary ?? '',
            e.note ?? '',
            quotes === 'none' ? '' : e.quote ?? '',
            e.coder ?? '',
          ]);
        }
      });
    }
  }
  return { header, rows };
}
