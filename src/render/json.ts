import { cellLines } from '../chart/cellText.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';
import { VERSION } from '../version.js';

/** Bumped when the JSON shape changes incompatibly; documented in docs/formats.md. */
export const CHART_SCHEMA_VERSION = 1;

/** The matrices as data, with each cell's rendered lines alongside its parts. JSON is never altered. */
export function renderJson(matrices: Matrix[], quotes: QuoteMode, title?: string): string {
  const doc = {
    schemaVersion: CHART_SCHEMA_VERSION,
    generator: { name: 'dtors', version: VERSION },
    title: title ?? null,
    quotes,
    matrices: matrices.map((m) => ({
      theme: m.theme,
      attributes: m.attributes,
      columns: m.columns,
      rows: m.rows.map((r) => ({
        case: r.case,
        attributes: r.attributes,
        cells: r.cells.map((c) => ({
          ...c,
          entries: c.entries.map((e) => (quotes === 'none' ? { ...e, quote: undefined } : e)),
          lines: cellLines(c, quotes),
        })),
      })),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function renderJsonLong(header: string[], rows: string[][]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))), null, 2) + '\n';
}
