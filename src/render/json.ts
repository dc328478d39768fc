import { cellLines } from '../chart/cellText.js';
import type { Cell, Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { VERSION } from '../version.js';

/** Bumped when the JSON shape changes incompatibly; documented in docs/formats.md. */
export const CHART_SCHEMA_VERSION = 1;

/** The matrices as data, with each cell's rendered lines alongside its parts. JSON is never altered. */
export function renderJson(matrices: Matrix[], quotes: QuoteMode, title?: string, lines: (cell: Cell, quotes: QuoteMode) => string[] = cellLines): string {
  const doc = {
    schemaVersion: CHART_SCHEMA_VERSION,
    generator: { name: 'dtors', version: VERSION },
    title: title ?? null,
    quotes,
    // Said only of a template, so that the charts' JSON stays as it was.
    ...(lines === cellLines ? {} : { template: true }),
    matrices: matrices.map((m) => ({
      theme: m.theme,
      attributes: m.attributes,
      columns: m.columns,
      rows: m.rows.map((r) => ({
        case: r.case,
        attributes: r.attributes,
        cells: r.cells.map((c) => ({
          ...c,
          lines: lines(c, quotes),
        })),
      })),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * The long layout as JSON: typed where the CSV cannot be (`start`/`end` numbers, `key` a boolean), and
 * null where a value is absent, as in the rows that hold a cell summary.
 */
export function renderJsonLong(header: string[], rows: string[][]): string {
  const typed = (h: string, v: string): unknown => {
    if (h === 'start' || h === 'end') return v === '' ? null : Number(v);
    if (h === 'key') return v === 'yes';
    return v === '' ? null : v;
  };
  return JSON.stringify(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, typed(h, r[i])]))), null, 2) + '\n';
}
