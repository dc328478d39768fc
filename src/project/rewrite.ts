/**
 * Changing a few cells of an annotation file and nothing else. The file is not regenerated: each cell
 * is replaced where it stands in the text, in the style it was written (quoted or not, block or flow
 * YAML), so comments, column order, other cells, line ends and the byte-order mark stay as they were.
 * The result is parsed again and compared with the original, value by value; any difference beyond
 * the cells asked for means the rewrite is refused rather than written.
 */
import Papa from 'papaparse';
import { isMap, isScalar, isSeq, parseDocument, Scalar, stringify } from 'yaml';

export interface CellEdit {
  /** The row, as Annotation.row: YAML list index or CSV record index. */
  row: number;
  field: 'lines' | 'start' | 'end' | 'quote';
  value: string;
}

export type Rewritten = { text: string } | { problem: string };

export function rewriteAnnotations(file: string, text: string, edits: CellEdit[], delimiter?: string): Rewritten {
  if (!edits.length) return { text };
  return /\.ya?ml$/i.test(file) ? rewriteYaml(text, edits) : rewriteCsv(text, edits, delimiter);
}

// ---------------------------------------------------------------------------------------------- CSV

interface Field {
  start: number;
  end: number;
  quoted: boolean;
}

/**
 * Splits CSV text into records of fields with their offsets, as papaparse splits it after dtors has
 * turned every line end into LF: CRLF, CR and LF each end a record outside quotes.
 */
function csvFields(text: string, delim: string): { fields: Field[]; end: number }[] {
  const records: { fields: Field[]; end: number }[] = [];
  let fields: Field[] = [];
  let i = 0;
  const n = text.length;
  while (i <= n) {
    const start = i;
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          i = n;
          break;
        }
        if (text[q + 1] === '"') i = q + 2;
        else {
          i = q + 1;
          break;
        }
      }
    }
    // Up to the next delimiter or line end (text after a closing quote is kept in the field, as papaparse does).
    while (i < n && !text.startsWith(delim, i) && text[i] !== '\n' && text[i] !== '\r') i++;
    fields.push({ start, end: i, quoted });
    if (i < n && text.startsWith(delim, i)) {
      i += delim.length;
      continue;
    }
    records.push({ fields, end: i });
    fields = [];
    if (i >= n) break;
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    if (i === n) break;
  }
  return records;
}

function detectDelimiter(text: string): string {
  const lines = text.split(/\r\n?|\n/);
  const sep = /^"?sep=(.)"?[ \t]*$/i.exec(lines[0] ?? '');
  if (sep) return sep[1];
  const head = lines.find((l) => l.trim() !== '') ?? '';
  return head.includes(',') ? ',' : head.includes('\t') ? '\t' : head.includes(';') ? ';' : ',';
}

function csvCell(value: string, delim: string, quoted: boolean): string {
  const needs = quoted || value.includes(delim) || /["\r\n]/.test(value) || value !== value.trim();
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function parseAll(text: string, delim: string): string[][] {
  const norm = text.replace(/\r\n?/g, '\n');
  return Papa.parse<string[]>(norm, { delimiter: delim, newline: '\n', quoteChar: '"', escapeChar: '"', skipEmptyLines: false }).data;
}

function rewriteCsv(text: string, edits: CellEdit[], delimiter?: string): Rewritten {
  const delim = delimiter ?? detectDelimiter(text);
  const records = csvFields(text, delim);
  const before = parseAll(text, delim);
  // The header is the first record with a non-blank cell (after an Excel `sep=` line, if any).
  const headerIndex = before.findIndex((r, i) => !(i === 0 && /^sep=.$/i.test(r.join(delim).trim())) && r.some((c) => c.trim() !== ''));
  if (headerIndex === -1) return { problem: 'the file has no header row' };
  const header = before[headerIndex].map((h) => h.trim().toLowerCase());
  const replacements: { start: number; end: number; text: string }[] = [];
  const expected = new Map<string, string>();
  for (const e of edits) {
    const col = header.indexOf(e.field);
    if (col === -1) return { problem: `the file has no "${e.field}" column` };
    const rec = records[e.row];
    if (!rec) return { problem: `row ${e.row + 1} is not in the file` };
    expected.set(`${e.row}:${col}`, e.value);
    const f = rec.fields[col];
    if (f) replacements.push({ start: f.start, end: f.end, text: csvCell(e.value, delim, f.quoted) });
    // A short row: the cells it lacks are added at its end.
    else replacements.push({ start: rec.end, end: rec.end, text: delim.repeat(col - rec.fields.length + 1) + csvCell(e.value, delim, false) });
  }
  const out = splice(text, replacements);
  const after = parseAll(out, delim);
  if (after.length !== before.length) return { problem: 'the rows would change' };
  for (let r = 0; r < before.length; r++) {
    const width = Math.max(before[r].length, after[r].length);
    for (let c = 0; c < width; c++) {
      const want = expected.get(`${r}:${c}`) ?? before[r][c] ?? '';
      if ((after[r][c] ?? '') !== want) return { problem: `row ${r + 1} would not read back as written` };
    }
  }
  return { text: out };
}

/** Applies non-overlapping replacements, in any order. */
function splice(text: string, reps: { start: number; end: number; text: string }[]): string {
  const sorted = [...reps].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let last = 0;
  for (const r of sorted) {
    if (r.start < last) throw new Error('overlapping cell edits');
    parts.push(text.slice(last, r.start), r.text);
    last = r.end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

// --------------------------------------------------------------------------------------------- YAML

function rewriteYaml(original: string, edits: CellEdit[]): Rewritten {
  // The parser counts line ends as LF; a CRLF file is edited as LF and given its CRLFs back.
  const crlf = original.includes('\r\n');
  const text = crlf ? original.replace(/\r\n/g, '\n') : original;
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length || !isSeq(doc.contents)) return { problem: 'the file is not a YAML list' };
  const seq = doc.contents;
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const e of edits) {
    const item = seq.items[e.row];
    if (!isMap(item)) return { problem: `entry ${e.row + 1} is not a mapping` };
    const pair = item.items.find((p) => isScalar(p.key) && p.key.value === e.field);
    if (!pair || !isScalar(pair.value) || !pair.value.range) return { problem: `entry ${e.row + 1} has no "${e.field}" to change` };
    const node = pair.value;
    const [start, end] = node.range!;
    replacements.push({ start, end, text: yamlScalar(text, node, start, end, e.value) });
  }
  let out = splice(text, replacements);
  const before = doc.toJS() as Record<string, unknown>[];
  const check = parseDocument(out, { uniqueKeys: true });
  if (check.errors.length) return { problem: 'the edited YAML would not parse' };
  const after = check.toJS() as Record<string, unknown>[];
  if (!Array.isArray(after) || after.length !== before.length) return { problem: 'the entries would change' };
  for (let i = 0; i < before.length; i++) {
    const want: Record<string, unknown> = { ...before[i] };
    for (const e of edits) if (e.row === i) want[e.field] = e.value;
    const got = after[i];
    const keys = new Set([...Object.keys(want), ...Object.keys(got ?? {})]);
    for (const k of keys) {
      const w = want[k];
      const g = got?.[k];
      const edited = edits.some((e) => e.row === i && e.field === k);
      const same = edited ? String(g).trim() === String(w).trim() : JSON.stringify(g) === JSON.stringify(w);
      if (!same) return { problem: `entry ${i + 1} would not read back as written ("${k}")` };
    }
  }
  if (crlf) out = out.replace(/\n/g, '\r\n');
  return { text: out };
}

/** `value` written as a YAML scalar in the style `node` had. */
function yamlScalar(text: string, node: Scalar, start: number, end: number, value: string): string {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.BLOCK_FOLDED:
    case Scalar.BLOCK_LITERAL: {
      const old = text.slice(start, end);
      const headerEnd = old.indexOf('\n');
      const header = old.slice(0, headerEnd);
      const body = old.slice(headerEnd + 1);
      const indent = /^( *)\S/m.exec(body)?.[1] ?? '  ';
      const width = Math.max(40, ...body.split('\n').map((l) => l.length));
      const lines = node.type === Scalar.BLOCK_FOLDED ? wrap(value, width - indent.length) : [value];
      const trailing = /\n*$/.exec(body)![0] || '';
      return `${header}\n${lines.map((l) => indent + l).join('\n')}${trailing || ''}`;
    }
    default: {
      // Plain if it reads back as the same text (a range such as 115-121 does), else quoted as YAML would.
      const plain = stringify(value, { defaultStringType: 'PLAIN', lineWidth: 0 }).replace(/\n$/, '');
      return /^\d+$/.test(value) ? value : plain;
    }
  }
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(value: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of value.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

// ------------------------------------------------------------------------------- whole-table edits

/** Changes to a CSV table by record: cells set (by column name), records removed, rows added at the end. */
export interface TableEdits {
  /** `record` as csvRecords() numbers them (0 is the header's record when there is no `sep=` line). */
  set: { record: number; column: string; value: string }[];
  remove: number[];
  append: Record<string, string>[];
}

/** The records of a CSV text with the value of each named column, for finding the ones to edit. */
export function csvRecords(text: string, delimiter?: string): { header: string[]; headerRecord: number; rows: { record: number; values: Record<string, string> }[] } | undefined {
  const delim = delimiter ?? detectDelimiter(text);
  const all = parseAll(text, delim);
  const headerRecord = all.findIndex((r, i) => !(i === 0 && /^sep=.$/i.test(r.join(delim).trim())) && r.some((c) => c.trim() !== ''));
  if (headerRecord === -1) return undefined;
  const header = all[headerRecord].map((h) => h.trim().toLowerCase());
  const rows = all.slice(headerRecord + 1).map((r, i) => ({ record: headerRecord + 1 + i, values: Object.fromEntries(header.map((h, c) => [h, r[c] ?? ''])) }));
  return { header, headerRecord, rows: rows.filter((r) => Object.values(r.values).some((v) => v.trim() !== '')) };
}

/**
 * Edits a CSV table in place: only the cells set, the records removed and the rows appended change;
 * every other byte (quoting, line ends, BOM, a `sep=` line) stays as it was. A column that is not in
 * the header is added at its end. The result is read again and checked, as rewriteAnnotations does.
 */
export function rewriteTable(text: string, edits: TableEdits, delimiter?: string): Rewritten {
  const delim = delimiter ?? detectDelimiter(text);
  const table = csvRecords(text, delim);
  if (!table) return { problem: 'the file has no header row' };
  const records = csvFields(text, delim);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const header = [...table.header];
  const replacements: { start: number; end: number; text: string }[] = [];
  const headerRec = records[table.headerRecord];
  const columnOf = (name: string) => {
    let c = header.indexOf(name);
    if (c === -1) {
      header.push(name);
      c = header.length - 1;
      replacements.push({ start: headerRec.end, end: headerRec.end, text: delim.repeat(c - headerRec.fields.length + 1) + csvCell(name, delim, false) });
    }
    return c;
  };
  for (const row of edits.append) for (const k of Object.keys(row)) columnOf(k);
  // Cells of one record are set in one pass, so that two added to a short row land in their columns.
  const byRecord = new Map<number, Map<number, string>>();
  for (const s of edits.set) {
    const c = columnOf(s.column);
    if (!byRecord.has(s.record)) byRecord.set(s.record, new Map());
    byRecord.get(s.record)!.set(c, s.value);
  }
  for (const [r, cells] of byRecord) {
    const rec = records[r];
    if (!rec) return { problem: `record ${r + 1} is not in the file` };
    let tail = '';
    let width = rec.fields.length;
    for (const [c, value] of [...cells].sort(([a], [b]) => a - b)) {
      const f = rec.fields[c];
      if (f) replacements.push({ start: f.start, end: f.end, text: csvCell(value, delim, f.quoted) });
      else {
        tail += delim.repeat(c - width + 1) + csvCell(value, delim, false);
        width = c + 1;
      }
    }
    if (tail) replacements.push({ start: rec.end, end: rec.end, text: tail });
  }
  for (const r of edits.remove) {
    const rec = records[r];
    if (!rec) return { problem: `record ${r + 1} is not in the file` };
    const start = rec.fields[0]?.start ?? rec.end;
    // The record goes with its own line end.
    const after = text.startsWith('\r\n', rec.end) ? 2 : text[rec.end] === '\n' || text[rec.end] === '\r' ? 1 : 0;
    replacements.push({ start, end: rec.end + after, text: '' });
  }
  let out = splice(text, replacements);
  if (edits.append.length) {
    if (out.length && !out.endsWith('\n') && !out.endsWith('\r')) out += eol;
    for (const row of edits.append) out += header.map((h) => csvCell(row[h] ?? '', delim, false)).join(delim) + eol;
  }
  // Read back: every row but those edited must be as it was, and those edited as asked.
  const back = csvRecords(out, delim);
  if (!back) return { problem: 'the file would lose its header' };
  const removed = new Set(edits.remove);
  const expected = table.rows.filter((r) => !removed.has(r.record)).map((r) => {
    const cells = byRecord.get(r.record);
    const v: Record<string, string> = {};
    for (const h of header) v[h] = cells?.get(header.indexOf(h)) ?? r.values[h] ?? '';
    return v;
  });
  for (const a of edits.append) expected.push(Object.fromEntries(header.map((h) => [h, a[h] ?? ''])));
  if (back.rows.length !== expected.length) return { problem: 'the rows would not read back as written' };
  for (let i = 0; i < expected.length; i++) {
    for (const h of header) if ((back.rows[i].values[h] ?? '') !== expected[i][h]) return { problem: `row ${i + 1} would not read back as written` };
  }
  return { text: out };
}
