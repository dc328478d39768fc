import { stringify } from 'csv-stringify/sync';
import { themeTable } from './table.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

export interface CsvOptions {
  /** Leave cells that a spreadsheet would run as formulas as they are. Default false. */
  raw?: boolean;
  /** A BOM and CRLF record ends, for Excel. Default false. */
  excel?: boolean;
}

/** Cells a spreadsheet treats as a formula or control input (full-width forms too). */
const FORMULA_START = /^[=+\-@\t\r\n\0\uff1d\uff0b\uff0d\uff20]/;

/** A leading apostrophe makes spreadsheets show the cell as text instead of evaluating it. */
export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 CSV; cells with line breaks or quotes are quoted, and formulas neutralised unless `raw`. */
export function csvTable(rows: string[][], o: CsvOptions = {}): string {
  // Line breaks inside a cell are LF (a lone CR would end the row for some readers).
  const clean = (c: string) => (c.includes('\r') ? c.replace(/\r\n?/g, '\n') : c);
  const cells = rows.map((r) => r.map((c) => clean(o.raw ? c : neutralise(c))));
  // csv-stringify quotes a cell holding the record delimiter: with LF record ends that covers every
  // cell with a line break; with Excel's CRLF a cell holding only LF must be asked for.
  const body = stringify(cells, o.excel ? { record_delimiter: '\r\n', quoted_match: /\n/ } : { record_delimiter: '\n' });
  return (o.excel ? '\ufeff' : '') + body;
}

export function renderCsvTheme(m: Matrix, quotes: QuoteMode, o: CsvOptions = {}): string {
  const { header, rows } = themeTable(m, quotes);
  return csvTable([header, ...rows], o);
}
