/**
 * Reading back a chart or template that an analyst wrote in: a workbook (every sheet headed `case`) or
 * one CSV sheet. Cells are text as the analyst left them; the hidden record sheet of a dtors workbook,
 * or the manifest beside a CSV, says what each cell held when it was made. Bytes in, tables out.
 */
import { Workbook, type CellValue } from '@cj-tech-master/excelts';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import { parseCsv } from '../project/csvFile.js';
import { unneutralise } from '../render/csv.js';
import { RECORD_MARK, RECORD_SHEET } from '../render/xlsx.js';

/** One sheet: its header and rows of text, and where each cell is (for messages). */
export interface Sheet {
  name: string;
  header: string[];
  rows: string[][];
  at: (row: number, column: number) => Pos;
}

/** What a cell held when the sheet was made: hashes, by `case` and `code` (summaries/cells.ts). */
export type Records = Map<string, { coding: string; summary: string }>;

export interface ReadBack {
  sheets: Sheet[];
  /** From the workbook's record sheet, or the manifest beside a CSV; absent when neither is there. */
  records?: Records;
  /** The chart options the sheets were made with (as the manifest records them). */
  options?: Record<string, unknown>;
}

export const recordKey = (kase: string, code: string) => `${kase}\u0000${code}`;

/** A cell's value as the text a person sees in it. */
export function cellText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof v === 'object') {
    const o = v as unknown as Record<string, unknown>;
    // Text with formatting is runs of text; a link shows its text; a formula its last result.
    if (Array.isArray(o.richText)) return (o.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join('').replace(/\r\n?/g, '\n');
    if ('text' in o) return cellText(o.text as CellValue);
    if ('result' in o) return cellText(o.result as CellValue);
    if ('error' in o) return String(o.error);
  }
  return '';
}

/** The sheets of a workbook that hold charts (the first cell reads `case`), and its records. */
export async function readWorkbookSheets(bytes: Uint8Array, file: string): Promise<ReadBack | Diagnostic> {
  const wb = new Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    return error('sheet-unreadable', `the workbook cannot be read: ${(e as Error).message}`, { file }, 'save it again as an Excel workbook (.xlsx)');
  }
  const sheets: Sheet[] = [];
  let records: Records | undefined;
  let options: Record<string, unknown> | undefined;
  wb.eachSheet((ws) => {
    const grid: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const values = row.values as CellValue[];
      grid[n - 1] = values.slice(1).map((v) => cellText(v));
    });
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
    if (ws.name === RECORD_SHEET && grid[0]?.[0] === RECORD_MARK) {
      records = new Map();
      try {
        options = JSON.parse(grid[1]?.[1] ?? '');
      } catch {
        options = undefined;
      }
      for (const r of grid.slice(3)) if (r[0] && r[1]) records.set(recordKey(r[0], r[1]), { coding: r[2] ?? '', summary: r[3] ?? '' });
      return;
    }
    if (grid[0]?.[0]?.trim().toLowerCase() !== 'case') return;
    const name = ws.name;
    sheets.push({ name, header: grid[0], rows: grid.slice(1), at: (row, column) => ({ file: `${file}[${name}]`, line: row + 2, col: column + 1 }) });
  });
  return { sheets, records, options };
}

/**
 * One CSV sheet (a chart or template written with --out, perhaps saved again by a spreadsheet).
 * `neutralised`: dtors put an apostrophe before cells a spreadsheet would run as formulas (no --raw),
 * which is taken off again.
 */
export function readCsvSheet(text: string, file: string, neutralised = false): { sheet?: Sheet; diagnostics: Diagnostic[] } {
  const t = parseCsv(text, file);
  if (t.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: t.diagnostics };
  const rows = t.rows.map((r) => t.header.map((h) => {
    const v = (r.values[h] ?? '').replace(/\r\n?/g, '\n');
    return neutralised ? unneutralise(v) : v;
  }));
  const name = file.replace(/^.*[\\/]/, '');
  return { sheet: { name, header: t.header, rows, at: (row, column) => t.rows[row]?.at(t.header[column]) ?? { file } }, diagnostics: [] };
}

/** The records a manifest holds (chart --out with --template or xlsx), and its options. */
export function manifestRecords(manifest: string | undefined): { records?: Records; options?: Record<string, unknown> } {
  if (!manifest) return {};
  try {
    const doc = JSON.parse(manifest) as { cells?: unknown; options?: Record<string, unknown> };
    if (!Array.isArray(doc.cells)) return { options: doc.options };
    const records: Records = new Map();
    for (const c of doc.cells) if (Array.isArray(c) && c.length === 4 && c.every((x) => typeof x === 'string')) records.set(recordKey(c[0], c[1]), { coding: c[2], summary: c[3] });
    return { records, options: doc.options };
  } catch {
    return {};
  }
}
