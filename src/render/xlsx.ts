/**
 * The charts as one workbook (`dtors chart --format xlsx --out DIR`): an Index sheet (the project, the
 * cell conventions, the options and the manifest's hashes of the inputs), a sheet per theme holding the
 * same cell text as the CSV, and a hidden sheet `dtors` with a record of every cell, which `dtors
 * summaries import` reads back. Written with ExcelTS and the same bytes every time: fixed document dates
 * and zip entry times, no other clock. Data in, bytes out.
 */
import { Workbook, type Worksheet } from '@cj-tech-master/excelts';
import { warning } from '../model/diagnostics.js';
import type { Matrix } from '../model/matrix.js';
import type { Diagnostic, InputFile, Project, QuoteMode } from '../model/types.js';
import { codingHash, summaryHash, type CellRecord } from '../summaries/cells.js';
import { tableOf, WORKBOOK, type OutputFile } from './outputs.js';
import { VERSION } from '../version.js';

/** Excel holds at most this many characters in a cell; LibreOffice more, but the file must open in both. */
export const XLSX_CELL_LIMIT = 32_767;
/** The hidden sheet of cell records, and the sheet that opens the workbook. */
export const RECORD_SHEET = 'dtors';
export const INDEX_SHEET = 'Index';
/** The record sheet's first cell: what tells a dtors workbook from any other. */
export const RECORD_MARK = 'dtors cell records';

export interface WorkbookSheet {
  theme: { id: string; label: string };
  header: string[];
  rows: string[][];
  /** Number of attribute columns after `case`. */
  attributes: number;
  /** Code of each column after the case and attributes. */
  codes: string[];
  /** codingHash() of each cell, by row, for the columns in `codes`. */
  coding: string[][];
}

export interface WorkbookInput {
  title?: string;
  frameTitle?: string;
  template: boolean;
  quotes: QuoteMode;
  sheets: WorkbookSheet[];
  /** The chart options, as the manifest records them. */
  options: Record<string, unknown>;
  inputs: InputFile[];
}

export interface WorkbookOutput {
  bytes: Uint8Array;
  /** Cells cut to XLSX_CELL_LIMIT, and cells whose control characters a workbook cannot hold were replaced. */
  cut: { sheet: string; case: string; column: string }[];
  replaced: { sheet: string; case: string; column: string }[];
}

/**
 * C0 controls other than tab and line feed cannot be written in a workbook's XML (ExcelTS drops them, and
 * a lone surrogate becomes U+FFFD): they are written as U+FFFD, visibly, and reported.
 */
const UNWRITABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Sheet names: at most 31 characters, none of `\ / ? * [ ] :`, unique without regard to case. */
export function sheetNames(themes: { id: string; label: string }[]): string[] {
  const used = new Set([INDEX_SHEET.toLowerCase(), RECORD_SHEET.toLowerCase(), 'history']);
  return themes.map(({ id, label }) => {
    const base = `${id} ${label}`.replace(/[\\/?*[\]:]/g, ' ').replace(/\s+/g, ' ').trim().replace(/^'|'$/g, '') || 'theme';
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      const name = base.slice(0, 31 - suffix.length).trimEnd() + suffix;
      if (!used.has(name.toLowerCase())) {
        used.add(name.toLowerCase());
        return name;
      }
    }
  });
}

/** The text conventions of a chart cell, for the Index sheet. */
function legend(template: boolean): [string, string][] {
  const rows: [string, string][] = [
    ['P07:112-118', 'A reference: transcript P07, lines 112 to 118 (P07:112 is one line).'],
    ['*', 'After a reference: the passage is a key quote.'],
    ['summary (P07:112-118)', 'A summary, then the passages it rests on.'],
    ['[Note: …]', "A researcher's note: not part of the summary."],
    ['"…" (P07:112-118)', 'The verbatim words of a passage (--quotes full).'],
    ['[not summarised]', 'Coded, but nothing summarised yet.'],
    ['[not discussed] / [not asked]', 'A recorded absence: the topic did not come up, or was not asked about.'],
    ['[auto] …', "The participant's own sentences, chosen by dtors (chart --auto-summary): never an analyst's summary."],
  ];
  if (template) {
    rows.splice(2, 1, ['[P07:112-118*] …', 'A passage the cell rests on, with its own summary if it has one. Lines in brackets are dtors\', never read as your summary.']);
    rows.push(['Your summary', 'Write it on lines of its own, anywhere in the cell; then run: dtors summaries import THIS.xlsx']);
  }
  return rows;
}

/** Header and footer text escape `&`, which starts a code there. */
function hf(s: string): string {
  return s.replace(/&/g, '&&');
}

export async function renderWorkbook(input: WorkbookInput): Promise<WorkbookOutput> {
  const wb = new Workbook();
  // The document's dates are part of its bytes: fixed, like every other output of dtors.
  const epoch = new Date(Date.UTC(2000, 0, 1));
  wb.created = epoch;
  wb.modified = epoch;
  wb.creator = 'dtors';
  wb.lastModifiedBy = 'dtors';
  wb.title = input.title ?? '';
  const names = sheetNames(input.sheets.map((s) => s.theme));
  const cut: WorkbookOutput['cut'] = [];
  const replaced: WorkbookOutput['replaced'] = [];

  const index = wb.addWorksheet(INDEX_SHEET);
  index.columns = [{ width: 30 }, { width: 100 }];
  const put = (ws: Worksheet, values: string[], bold = false) => {
    const row = ws.addRow(values);
    row.alignment = { wrapText: true, vertical: 'top' };
    if (bold) row.font = { bold: true };
    return row;
  };
  const title = put(index, [input.title ?? 'Framework charts'], true);
  title.font = { bold: true, size: 14 };
  put(index, ['Frame', input.frameTitle ?? '']);
  put(index, ['Made by', `dtors ${VERSION}${input.template ? ' (chart --template: write your summaries in the cells)' : ''}`]);
  put(index, []);
  put(index, ['Sheet', 'Theme'], true);
  input.sheets.forEach((s, i) => put(index, [names[i], `${s.theme.id} ${s.theme.label}`]));
  put(index, []);
  put(index, ['In a cell', 'Means'], true);
  for (const [a, b] of legend(input.template)) put(index, [a, b]);
  put(index, []);
  put(index, ['Option', 'Value'], true);
  for (const [k, v] of Object.entries(input.options)) put(index, [k, JSON.stringify(v)]);
  put(index, []);
  put(index, ['Input file', 'sha256 (as in manifest.json)'], true);
  for (const f of input.inputs) put(index, [f.path, f.sha256]);

  const records: CellRecord[] = [];
  input.sheets.forEach((s, i) => {
    const codeWidth = input.quotes === 'full' ? 70 : 50;
    const ws = wb.addWorksheet(names[i], {
      // The header row and the case column stay in view while the chart is scrolled.
      views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1', printTitlesColumn: 'A:A' },
      headerFooter: { oddHeader: `&L${hf(`${s.theme.id} ${s.theme.label}`)}&R${hf(input.title ?? '')}`, oddFooter: '&CPage &P of &N' },
    });
    const longest = (col: number) => Math.max(...[s.header, ...s.rows].map((r) => Math.max(...(r[col] ?? '').split('\n').map((l) => l.length))));
    ws.columns = s.header.map((_, c) => ({ width: c === 0 ? Math.min(Math.max(longest(0) + 2, 8), 24) : c <= s.attributes ? Math.min(Math.max(longest(c) + 2, 10), 30) : codeWidth }));
    const header = put(ws, s.header, true);
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
    s.rows.forEach((r, ri) => {
      const values = r.map((text, c) => {
        const where = { sheet: names[i], case: r[0], column: s.header[c] };
        let v = text.replace(UNWRITABLE, () => '\ufffd');
        if (v !== text) replaced.push(where);
        if (v.length > XLSX_CELL_LIMIT) {
          const note = `\n[cut here: ${(v.length - XLSX_CELL_LIMIT).toLocaleString('en')}+ more characters are in the CSV and Markdown charts]`;
          v = v.slice(0, XLSX_CELL_LIMIT - note.length).replace(/[\ud800-\udbff]$/, '') + note;
          cut.push(where);
        }
        return v;
      });
      put(ws, values);
      s.codes.forEach((code, k) => {
        records.push({ case: values[0], code, coding: s.coding[ri][k], summary: summaryHash(values[1 + s.attributes + k]) });
      });
    });
  });

  // The records: what each cell held when charted, so that an import can tell an analyst's edit from a
  // change of coding. Hidden: not for reading, and not to be edited.
  const rec = wb.addWorksheet(RECORD_SHEET, { state: 'veryHidden' });
  rec.addRow([RECORD_MARK, VERSION, 'do not edit: dtors summaries import compares the cells with these']);
  rec.addRow(['options', JSON.stringify({ ...input.options, template: input.template })]);
  rec.addRow(['case', 'code', 'coding', 'summary']);
  for (const r of records) rec.addRow([r.case, r.code, r.coding, r.summary]);

  // Zip entries carry local times: a local midnight is the same bytes in every time zone.
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer({ zip: { modTime: new Date(2000, 0, 1) } }));
  return { bytes, cut, replaced };
}

/**
 * The workbook of a set of charts as an output file, with warnings for cells it could not hold as they
 * are (see renderWorkbook).
 */
export async function workbookFile(
  project: Project,
  matrices: Matrix[],
  o: { template?: boolean; quotes: QuoteMode },
  options: Record<string, unknown>,
): Promise<{ file: OutputFile; diagnostics: Diagnostic[] }> {
  const table = tableOf(o);
  const sheets: WorkbookSheet[] = matrices.map((m) => {
    const { header, rows } = table(m, o.quotes);
    return {
      theme: { id: m.theme.id, label: m.theme.label },
      header,
      rows,
      attributes: m.attributes.length,
      codes: m.columns.map((c) => c.code),
      coding: m.rows.map((r) => r.cells.map(codingHash)),
    };
  });
  // The options that shape the sheets: which other files were written beside it (formats, CSV's own
  // settings) is no concern of the workbook's, and must not change its bytes.
  const { formats: _f, excel: _e, raw: _r, ...shaping } = options;
  const w = await renderWorkbook({ title: project.title, frameTitle: project.frame.title, template: Boolean(o.template), quotes: o.quotes, sheets, options: shaping, inputs: project.inputs });
  const diagnostics: Diagnostic[] = [];
  const which = (list: WorkbookOutput['cut']) => `${list.length} cell${list.length === 1 ? '' : 's'} of the workbook (the first in sheet "${list[0].sheet}", case ${list[0].case}, column "${list[0].column}")`;
  if (w.cut.length) {
    diagnostics.push(warning('xlsx-cell-cut', `${which(w.cut)} held more than ${XLSX_CELL_LIMIT.toLocaleString('en')} characters, and ${w.cut.length === 1 ? 'was' : 'were'} cut with a note saying so`, undefined, 'the CSV and Markdown charts hold every word; --quotes marked leaves the verbatim quotes out'));
  }
  if (w.replaced.length) {
    diagnostics.push(warning('xlsx-character-replaced', `${which(w.replaced)} held control characters a workbook cannot, written as \ufffd`, undefined, 'the CSV and Markdown charts hold them as they are; they come from the transcripts or summaries'));
  }
  return { file: { name: WORKBOOK, content: w.bytes }, diagnostics };
}
