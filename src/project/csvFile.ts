import { parse } from 'csv-parse/sync';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import { codePointLength } from './text.js';

export interface CsvRow {
  /** Cell values by header name (as written in the header, trimmed); blank cells are absent. */
  values: Record<string, string>;
  /** 1-based line the record starts on. */
  line: number;
  /** Where a column's cell (or the row, for `undefined`) is. */
  at: (column?: string) => Pos;
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
 * (a file mixing CRLF and LF is common after hand edits, and csv-parse fixes one record delimiter).
 * The delimiter is a comma unless the header line has none and does have semicolons or tabs, as
 * European spreadsheets and "Unicode text" exports write.
 */
export function parseCsv(text: string, file: string, delimiter?: string): CsvTable {
  const norm = text.replace(/\r\n?/g, '\n');
  const firstLine = norm.slice(0, norm.indexOf('\n') === -1 ? norm.length : norm.indexOf('\n'));
  const delim = delimiter ?? detectDelimiter(firstLine);
  const diagnostics: Diagnostic[] = [];
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(norm, {
      delimiter: delim,
      record_delimiter: '\n',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }) as any;
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    const line = typeof err.lines === 'number' && err.lines > 0 ? err.lines : 1;
    const msg = err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted cell is never closed (a missing closing ")' : err.message.replace(/^[^:]*:\s*/, '');
    diagnostics.push(error('csv-syntax', msg, { file, line, col: 1 }, err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'look for the row where the quote opens, above this line' : undefined));
    return { header: [], headerAt: () => ({ file, line: 1, col: 1 }), rows: [], delimiter: delim, diagnostics };
  }
  const lines = norm.split('\n');
  const located = records.map((r) => {
    let body = r.raw.endsWith('\n') ? r.raw.slice(0, -1) : r.raw;
    body = body.replace(/^\n+/, '');
    const start = r.info.lines - count(body, '\n');
    return { cells: r.record, start, body };
  });
  const nonBlank = located.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (nonBlank.length === 0) {
    diagnostics.push(error('csv-empty', 'the file has no header row', { file, line: 1, col: 1 }));
    return { header: [], headerAt: () => ({ file, line: 1, col: 1 }), rows: [], delimiter: delim, diagnostics };
  }
  const [head, ...body] = nonBlank;
  const header = head.cells.map((h) => h.trim());
  const cellAt = (rec: { start: number; body: string }, index: number): Pos => {
    const { line, offset } = fieldStart(rec.body, delim, index);
    const lineText = lines[rec.start - 1 + line] ?? '';
    return { file, line: rec.start + line, col: codePointLength(lineText, 0, offset) + 1 };
  };
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') return;
    if (index.has(h)) diagnostics.push(error('duplicate-column', `column "${h}" appears twice in the header`, cellAt(head, i)));
    else index.set(h, i);
  });
  const rows: CsvRow[] = [];
  for (const rec of body) {
    if (rec.cells.length > header.length && rec.cells.slice(header.length).some((c) => c.trim() !== '')) {
      diagnostics.push(
        error('csv-ragged-row', `this row has ${rec.cells.length} cells but the header has ${header.length}`, cellAt(rec, header.length), 'a cell containing the delimiter needs double quotes around it'),
      );
      continue;
    }
    const values: Record<string, string> = {};
    for (const [h, i] of index) {
      const v = rec.cells[i];
      if (v !== undefined && v.trim() !== '') values[h] = v;
    }
    rows.push({
      values,
      line: rec.start,
      at: (column?: string) => {
        const i = column === undefined ? 0 : index.get(column);
        return cellAt(rec, i ?? 0);
      },
    });
  }
  return { header, headerAt: (c) => cellAt(head, index.get(c) ?? 0), rows, delimiter: delim, diagnostics };
}

function detectDelimiter(headerLine: string): string {
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes('\t')) return '\t';
  if (headerLine.includes(';')) return ';';
  return ',';
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Line (relative to the record) and offset within that line where field `index` starts. */
function fieldStart(body: string, delim: string, index: number): { line: number; offset: number } {
  let field = 0;
  let line = 0;
  let lineStart = 0;
  let inQuote = false;
  if (index === 0) return { line: 0, offset: 0 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (!inQuote && body.startsWith(delim, i)) {
      field++;
      if (field === index) return { line, offset: i + delim.length - lineStart };
    }
  }
  return { line, offset: body.length - lineStart };
}
