import Papa from 'papaparse';
import { error, warning } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import { LineIndex } from './text.js';

export interface CsvRow {
  /** Cell values by column name (the header as written and trimmed, or as the caller renamed it); blank cells are absent. */
  values: Record<string, string>;
  /** Where a column's cell (or the row, for `undefined`) is. */
  at: (column?: string) => Pos;
  /** 0-based index of the record in the file, counting the header, blank lines and an Excel `sep=` line. */
  record: number;
}

export interface CsvTable {
  header: string[];
  /** Position of each header cell. */
  headerAt: (column: string) => Pos;
  rows: CsvRow[];
  delimiter: string;
  diagnostics: Diagnostic[];
}

/**
 * Parses a CSV table with a header row, keeping where every cell is. Line ends are normalised first
 * (a file mixing CRLF and LF is common after hand edits, and the parser takes one record delimiter).
 * The delimiter is a comma unless the header line has none and does have semicolons or tabs, as
 * European spreadsheets and "Unicode text" exports write, or unless an Excel `sep=` line names it.
 */
export function parseCsv(text: string, file: string, delimiter?: string, columnName: (header: string) => string | undefined = (h) => h): CsvTable {
  let norm = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const nl = norm.indexOf('\n');
  // Excel reads and writes a first line `sep=;` naming the delimiter. It is blanked rather than cut,
  // so that line numbers stay those of the file.
  const hint = /^"?sep=(.)"?[ \t]*$/i.exec(nl === -1 ? norm : norm.slice(0, nl));
  if (hint) norm = norm.slice(nl === -1 ? norm.length : nl);
  const nl2 = norm.indexOf('\n', hint ? 1 : 0);
  const delim = delimiter ?? hint?.[1] ?? detectDelimiter(nl2 === -1 ? norm : norm.slice(hint ? 1 : 0, nl2));
  const config = { delimiter: delim, newline: '\n' as const, quoteChar: '"', escapeChar: '"', skipEmptyLines: false as const };
  const diagnostics: Diagnostic[] = [];
  const fail = (): CsvTable => ({ header: [], headerAt: () => ({ file, line: 1, col: 1 }), rows: [], delimiter: delim, diagnostics });
  // Positions are not tracked here: only a diagnostic needs one, so they are worked out on first use.
  const parsed = Papa.parse<string[]>(norm, config);
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    const unclosed = quoteError.code === 'MissingQuotes';
    diagnostics.push(
      error(
        'csv-syntax',
        unclosed ? 'a quoted cell is never closed (a missing closing ")' : 'a quoted cell has text after its closing quote',
        new LineIndex(norm).pos(file, Math.max(0, (quoteError.index ?? 1) - 1)),
        unclosed ? 'close the quote; a quote inside a quoted cell is written twice ("")' : 'a quote inside a quoted cell is written twice: "she said ""no"""',
      ),
    );
    return fail();
  }
  const records = parsed.data;
  const at = locator(norm, file, config);
  const kept: number[] = [];
  records.forEach((r, i) => {
    if (!r.every(isBlank)) kept.push(i);
  });
  if (kept.length === 0) {
    diagnostics.push(error('csv-empty', 'the file has no header row', { file, line: 1, col: 1 }));
    return fail();
  }
  const [head, ...body] = kept;
  const header = records[head].map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') {
      if (body.some((ri) => !isBlank(records[ri][i] ?? ''))) {
        diagnostics.push(warning('unknown-column', 'a column has no name in the header; its cells are ignored', at(head, i), 'give the column a name in the first row'));
      }
      return;
    }
    if (index.has(h)) diagnostics.push(error('duplicate-column', `column "${h}" appears twice in the header`, at(head, i)));
    else index.set(h, i);
  });
  // Cells are stored under the caller's name for their column (or dropped when it has none).
  const columns: [string, number][] = [];
  const byName = new Map<string, number>();
  for (const [h, i] of index) {
    const name = columnName(h);
    if (name === undefined) continue;
    if (byName.has(name)) {
      // `code` and `Code` are one column to dtors: a second one would silently win.
      diagnostics.push(error('duplicate-column', `columns "${header[byName.get(name)!]}" and "${h}" are both the "${name}" column`, at(head, i)));
      continue;
    }
    columns.push([name, i]);
    byName.set(name, i);
  }
  const rows: CsvRow[] = [];
  for (const ri of body) {
    const cells = records[ri];
    if (cells.length > header.length && !cells.slice(header.length).every(isBlank)) {
      diagnostics.push(
        error('csv-ragged-row', `this row has ${cells.length} cells but the header has ${header.length}`, at(ri, header.length), 'a cell containing the delimiter needs double quotes around it'),
      );
      continue;
    }
    const values: Record<string, string> = {};
    for (const [h, i] of columns) {
      const v = cells[i];
      if (v === undefined || isBlank(v)) continue;
      // A column may be called anything: "__proto__" must become a value, not the row's prototype. (A
      // prototype-less object would do it too, but V8 keeps those in slow dictionary mode: 200 ms on L.)
      if (h === '__proto__') Object.defineProperty(values, h, { value: v, enumerable: true, writable: true, configurable: true });
      else values[h] = v;
    }
    rows.push({ values, at: (column?: string) => at(ri, column === undefined ? 0 : byName.get(column) ?? 0), record: ri });
  }
  return { header, headerAt: (c) => at(head, index.get(c) ?? 0), rows, delimiter: delim, diagnostics };
}

/**
 * Where cell `field` of record `record` starts. The first call parses the text again row by row, which
 * gives each row's end offset; later calls reuse the row starts.
 */
function locator(norm: string, file: string, config: Papa.ParseConfig<string[]>): (record: number, field: number) => Pos {
  let starts: number[] | undefined;
  let lines: LineIndex | undefined;
  return (record, field) => {
    if (!starts) {
      const found = [0];
      Papa.parse<string[]>(norm, { ...config, step: (r) => void found.push(r.meta.cursor) });
      starts = found;
      lines = new LineIndex(norm);
    }
    const start = starts[record] ?? 0;
    const end = starts[record + 1] ?? norm.length;
    return lines!.pos(file, start + fieldStart(norm.slice(start, end), (config.delimiter as string) ?? ',', field));
  };
}

const NOT_SPACE = /\S/;

/** Blank without making a trimmed copy: this runs for every cell of every table. */
function isBlank(s: string): boolean {
  return !NOT_SPACE.test(s);
}

function detectDelimiter(headerLine: string): string {
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes('\t')) return '\t';
  if (headerLine.includes(';')) return ';';
  return ',';
}

/** Offset within a record's text where field `index` starts (quote-aware). */
function fieldStart(body: string, delim: string, index: number): number {
  let field = 0;
  let inQuote = false;
  if (index === 0) return 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && body.startsWith(delim, i)) {
      field++;
      if (field === index) return i + delim.length;
    }
  }
  return body.length;
}
