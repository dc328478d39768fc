import { error, pushAll, warning } from '../model/diagnostics.js';
import type { Annotation, Absence, Case, CellSummary, Diagnostic, LineRange, Pos } from '../model/types.js';
import { nearest } from '../nlp/distance.js';
import { parseCsv } from './csvFile.js';
import { schemaJson, validate, type SchemaName } from './schemas.js';
import { cleanText as text } from './text.js';
import { parseYaml } from './yamlFile.js';

/** One row of a table file (CSV or YAML list), whatever its kind. */
export interface TableRow {
  values: Record<string, unknown>;
  at: (field?: string) => Pos;
  /** The original text of a YAML scalar (so `code: 1.10` stays "1.10"). */
  source: (field: string) => string | undefined;
  /** Where the row is in its file: the item's index in a YAML list, or the CSV record's (see CsvRow). */
  row: number;
}

export interface TableOptions {
  /** Which schema a row must satisfy. */
  schema: Exclude<SchemaName, 'dtors' | 'frame' | 'lock'>;
  /** Columns beyond the schema's are kept as data (case attributes) rather than warned about. */
  openColumns?: boolean;
  /** Names such extra columns may not have (they would clash with output columns). */
  reserved?: readonly string[];
  delimiter?: string;
}

const ROW_REF: Record<TableOptions['schema'], string> = {
  annotations: 'annotations#annotation',
  cases: 'cases',
  summaries: 'summaries',
};

/** The columns a table's row schema names, and those it requires. */
function columns(schema: TableOptions['schema']): { known: string[]; required: string[] } {
  const s = schemaJson(schema);
  const row = schema === 'annotations' ? s.definitions.annotation : s;
  return { known: Object.keys(row.properties), required: row.required };
}

/**
 * Reads a CSV or YAML table into rows that passed the row schema. Rows with errors are reported and
 * left out, so one bad row does not hide the problems of the others.
 */
export function readTable(file: string, text: string, opts: TableOptions): { rows: TableRow[]; header: string[]; diagnostics: Diagnostic[] } {
  const { known, required } = columns(opts.schema);
  const diagnostics: Diagnostic[] = [];
  const rows: TableRow[] = [];
  const ref = ROW_REF[opts.schema];
  if (/\.ya?ml$/i.test(file)) {
    const y = parseYaml(text, file);
    pushAll(diagnostics, y.diagnostics);
    if (y.value === undefined || y.diagnostics.length) return { rows, header: known, diagnostics };
    if (y.value === null) return { rows, header: known, diagnostics };
    if (!Array.isArray(y.value)) {
      diagnostics.push(error('wrong-type', 'the file must be a YAML list of entries (each starting with "- ")', y.locate([], 'value')));
      return { rows, header: known, diagnostics };
    }
    y.value.forEach((item, i) => {
      const at = (field?: string) => y.locate(field === undefined ? [i] : [i, field], 'value');
      // As in a CSV cell, a blank value is an absent one, so that a required field of spaces is missing.
      const blank = (v: unknown) => v === null || (typeof v === 'string' && v.trim() === '');
      const entry = item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).filter(([, v]) => !blank(v))) : item;
      const ds = validate(ref, entry, (p, t) => y.locate([i, ...p], t), { field: 'key', unknownAsWarning: true });
      pushAll(diagnostics, ds);
      if (ds.some((d) => d.severity === 'error')) return;
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(entry as object)) if (known.includes(k)) values[k] = v;
      if (typeof (item as any).quote === 'string' && (item as any).quote.trim() === '') values.quote = '';
      rows.push({ values, at, source: (f) => y.source([i, f]), row: i });
    });
    return { rows, header: known, diagnostics };
  }
  // Known columns are matched without regard to case or surrounding space ("Transcript ").
  const columnName = (h: string) => known.find((c) => c === h.toLowerCase()) ?? (opts.openColumns ? h : undefined);
  const csv = parseCsv(text, file, opts.delimiter, columnName);
  pushAll(diagnostics, csv.diagnostics);
  for (const h of csv.header) {
    if (h === '' || columnName(h) !== undefined) continue;
    const near = nearest(h, known);
    diagnostics.push(
      warning('unknown-column', `unknown column "${h}" is ignored`, csv.headerAt(h), near.length ? `did you mean "${near[0]}"? Known columns: ${known.join(', ')}` : `known columns: ${known.join(', ')}`),
    );
  }
  const header = csv.header.map(columnName).filter((h): h is string => h !== undefined);
  for (const h of header) {
    if (opts.reserved?.includes(h.toLowerCase())) {
      diagnostics.push(error('reserved-column', `a case attribute cannot be called "${h}": the long layout has a column of that name`, csv.headerAt(h), `rename the column (e.g. "${h}_")`));
    }
  }
  if (csv.header.length === 0) return { rows, header, diagnostics };
  for (const r of csv.rows) {
    const ds = validate(ref, r.values, (p) => r.at(typeof p[0] === 'string' ? p[0] : undefined), { field: 'column' });
    if (ds.length) {
      pushAll(diagnostics, ds);
      if (ds.some((d) => d.severity === 'error')) continue;
    }
    rows.push({ values: r.values, at: r.at, source: noSource, row: r.record });
  }
  // A required column missing from the header is one problem, not one per row.
  return { rows, header, diagnostics: collapseMissingColumns(diagnostics, () => csv.headerAt(csv.header[0]), header, required) };
}

function collapseMissingColumns(ds: Diagnostic[], headerPos: () => Pos, header: string[], required: string[]): Diagnostic[] {
  const absent = required.filter((c) => !header.includes(c));
  if (!absent.length) return ds;
  const out = ds.filter((d) => !(d.code === 'missing-field' && absent.some((c) => d.message.includes(`"${c}"`))));
  for (const c of absent) {
    out.push(error('missing-column', `the header has no "${c}" column`, headerPos(), `the first row must name the columns: ${required.join(', ')} are required`));
  }
  return out;
}

const noSource = () => undefined;

const KEY_TRUE = /^\s*(yes|y|true|\*)\s*$/i;

function idText(row: TableRow, field: string): string | undefined {
  const v = row.values[field];
  if (typeof v === 'number') return row.source(field) ?? String(v);
  return text(v);
}

function parseLineNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v).trim());
}

/** Turns validated annotation rows into Annotations, checking what the schema cannot. */
export function toAnnotations(file: string, rows: TableRow[], firstIndex: number): { annotations: Annotation[]; diagnostics: Diagnostic[] } {
  const annotations: Annotation[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const row of rows) {
    const v = row.values;
    let lines: LineRange | undefined;
    if (v.lines !== undefined) {
      const [a, b] = String(v.lines).split(/[-\u2013]/).map((s) => Number(s.trim()));
      lines = { start: a, end: b ?? a };
      if (v.start !== undefined || v.end !== undefined) {
        diagnostics.push(error('conflicting-anchors', 'give either "lines" or "start" and "end", not both', row.at('start')));
        continue;
      }
    } else if (v.start !== undefined || v.end !== undefined) {
      if (v.start === undefined || v.end === undefined) {
        diagnostics.push(error('missing-field', `"${v.start === undefined ? 'start' : 'end'}" is needed with "${v.start === undefined ? 'end' : 'start'}"`, row.at(v.start === undefined ? 'end' : 'start')));
        continue;
      }
      lines = { start: parseLineNumber(v.start), end: parseLineNumber(v.end) };
    }
    if (lines && lines.start > lines.end) {
      diagnostics.push(error('invalid-lines', `the passage starts after it ends (lines ${lines.start}-${lines.end})`, row.at(v.lines !== undefined ? 'lines' : 'start'), `did you mean ${lines.end}-${lines.start}?`));
      continue;
    }
    if (lines && lines.start < 1) {
      diagnostics.push(error('invalid-lines', 'line numbers start at 1', row.at(v.lines !== undefined ? 'lines' : 'start')));
      continue;
    }
    let quote: string | undefined;
    if (v.quote !== undefined) {
      quote = String(v.quote);
      if (quote.trim() === '') {
        diagnostics.push(error('empty-quote', 'the quote is empty', row.at('quote'), 'leave the field out to locate the passage by lines alone'));
        continue;
      }
    }
    if (!lines && quote === undefined) {
      diagnostics.push(error('missing-anchor', 'the passage has neither "lines" (or "start" and "end") nor "quote"', row.at(), 'add the line range, e.g. 112-118, or the exact words of the passage'));
      continue;
    }
    annotations.push({
      index: firstIndex + annotations.length,
      file,
      id: idText(row, 'id'),
      transcript: idText(row, 'transcript')!,
      code: idText(row, 'code')!,
      lines,
      linesField: lines ? (v.lines !== undefined ? 'lines' : 'start') : undefined,
      quote,
      summary: text(v.summary),
      note: text(v.note),
      key: v.key === true || (typeof v.key === 'string' && KEY_TRUE.test(v.key)),
      coder: text(v.coder),
      at: row.at,
      row: row.row,
    });
  }
  return { annotations, diagnostics };
}

export function toCases(rows: TableRow[], header: string[]): { cases: Case[]; attributeNames: string[] } {
  const attributeNames = header.filter((h) => h !== 'case' && h !== 'transcripts');
  const cases: Case[] = rows.map((row) => {
    const id = text(row.values.case)!;
    const list = text(row.values.transcripts);
    // No prototype: an attribute may be called anything, "__proto__" and "constructor" included.
    const attributes: Record<string, string> = Object.create(null);
    // Own values only: a blank `constructor` cell must not read the object's constructor.
    for (const a of attributeNames) attributes[a] = (Object.hasOwn(row.values, a) ? text(row.values[a]) : undefined) ?? '';
    return {
      id,
      transcripts: list ? list.split(';').map((s) => s.trim()).filter(Boolean) : [],
      attributes,
      at: row.at,
    };
  });
  return { cases, attributeNames };
}

const ABSENCE = /^\s*\[\s*(not discussed|not asked)\s*\]\s*$/i;

export function toSummaries(rows: TableRow[]): CellSummary[] {
  return rows.map((row) => {
    const summary = text(row.values.summary)!;
    const m = ABSENCE.exec(summary);
    return {
      case: idText(row, 'case')!,
      code: idText(row, 'code')!,
      summary,
      absence: m ? (m[1].toLowerCase() as Absence) : undefined,
      note: text(row.values.note),
      coder: text(row.values.coder),
      at: row.at,
    };
  });
}
