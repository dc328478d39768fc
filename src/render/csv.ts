import { stringify } from 'csv-stringify/sync';
import { themeTable, type TableOf } from './table.js';
import type { Matrix } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

export interface CsvOptions {
  /** Leave cells that a spreadsheet would run as formulas as they are. Default false. */
  raw?: boolean;
  /** A BOM and CRLF record ends, for Excel. Default false. */
  excel?: boolean;
}

/**
 * Cells a spreadsheet treats as a formula or control input (full-width forms too), also after leading
 * spaces. `=`, `+`, `-` and `@` start a formula in Excel; LibreOffice evaluates `=`, and drops leading
 * NULs first, so `\0=1+1` runs too; tab, CR and LF are on OWASP's list, for importers that strip them.
 * Leading spaces are looked through: with "Trim spaces" ticked in its import dialog, LibreOffice
 * (checked with 7.4) trims an unquoted ` =1+1` or ` \0=1+1` and then evaluates it; Google Sheets is
 * reported to trim unquoted fields on import; and a cell that merely starts with a space is never
 * quoted. Checked in LibreOffice and inert, so left alone: a no-break, ideographic or zero-width space,
 * a BOM, the other C0 controls, DEL and C1 controls, look-alikes such as U+FE66 ﹦ and U+2212 −, and
 * `%` or `{` before `=`.
 */
const FORMULA_START = /^ *[=+\-@\t\r\n\0\uff1d\uff0b\uff0d\uff20]/;

/** A leading apostrophe makes spreadsheets show the cell as text instead of evaluating it. */
export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** A cell as it was before neutralise(), for CSV read back (the apostrophe is dtors', not the analyst's). */
export function unneutralise(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** RFC 4180 CSV; cells with line breaks or quotes are quoted, and formulas neutralised unless `raw`. */
export function csvTable(rows: string[][], o: CsvOptions = {}): string {
  // Line breaks inside a cell are LF (a lone CR would end the row for some readers).
  const clean = (c: string) => (c.includes('\r') ? c.replace(/\r\n?/g, '\n') : c);
  const cells = rows.map((r) => r.map((c) => clean(o.raw ? c : neutralise(c))));
  // csv-stringify quotes a cell holding the record delimiter: with LF record ends that covers every
  // cell with a line break; with Excel's CRLF a cell holding only LF must be asked for. Cells with a
  // semicolon or a tab are quoted too: a spreadsheet set to split on those (the default in much of
  // Europe) would otherwise cut `x;=1+1` into a second cell that starts with a formula.
  const body = stringify(cells, { record_delimiter: o.excel ? '\r\n' : '\n', quoted_match: o.excel ? [/\n/, /[;\t]/] : /[;\t]/ });
  return (o.excel ? '\ufeff' : '') + body;
}

export function renderCsvTheme(m: Matrix, quotes: QuoteMode, o: CsvOptions = {}, table: TableOf = themeTable): string {
  const { header, rows } = table(m, quotes);
  return csvTable([header, ...rows], o);
}
