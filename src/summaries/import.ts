/**
 * `dtors summaries import`: the summaries an analyst wrote in a template or chart sheet, into the
 * project's summaries. A cell is matched by its case (the `case` column) and its code (the column's
 * header), never by where it stands. Only cells whose summary the analyst changed are taken; a cell
 * whose coding changed since the sheet was made (stale), or whose summary changed in the project
 * meanwhile (conflict), is reported and left alone unless forced. Pure: project, charts and sheets in;
 * the changes, the summaries after them, and diagnostics out.
 */
import { buildMatrices, type ChartOptions } from '../chart/chart.js';
import { error, warning } from '../model/diagnostics.js';
import type { Diagnostic, Pos, Project, QuoteMode, Segment } from '../model/types.js';
import { csvRecords, rewriteTable, type TableEdits } from '../project/rewrite.js';
import { csvTable } from '../render/csv.js';
import { codingHash, readCellSummary, summaryHash } from './cells.js';
import { recordKey, type ReadBack } from './read.js';
import { cellTexts } from './records.js';

export interface ImportOptions {
  /** Take stale, conflicting and unrecorded cells too. */
  force?: boolean;
}

export type ChangeKind = 'updated' | 'added' | 'removed';

export interface Change {
  kind: ChangeKind;
  case: string;
  code: string;
  before?: string;
  after: string;
  at: Pos;
}

export interface Skipped {
  why: 'stale' | 'conflict' | 'unrecorded';
  case: string;
  code: string;
  at: Pos;
}

export interface ImportPlan {
  changes: Change[];
  skipped: Skipped[];
  /** Cells read whose summary the analyst left as it was. */
  unchanged: number;
  diagnostics: Diagnostic[];
}

/** The chart options a sheet was made with, from the manifest's (or record sheet's) record of them. */
export function recordedOptions(o: Record<string, unknown> | undefined): { chart: ChartOptions; template: boolean } {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const where = o?.where && typeof o.where === 'object' ? Object.entries(o.where as Record<string, unknown>).map(([k, v]) => [k, list(v) ?? []] as [string, string[]]) : [];
  const quotes: QuoteMode = o?.quotes === 'none' || o?.quotes === 'full' ? o.quotes : 'marked';
  return {
    chart: { sort: [], attributes: [], quotes, interviewer: o?.interviewer !== false, themes: list(o?.themes), where, coders: list(o?.coders), verbatim: quotes === 'full' },
    template: o?.template === true,
  };
}

export function planImport(project: Project, segments: Segment[], back: ReadBack, opts: ImportOptions = {}): ImportPlan {
  const diagnostics: Diagnostic[] = [];
  const { chart, template } = recordedOptions(back.options);
  // The cells as they would be charted now, with the options the sheet was made with.
  const matrices = buildMatrices(project, segments, { ...chart, themes: chart.themes?.filter((t) => project.frame.themes.some((x) => x.id === t)) });
  const now = new Map(cellTexts(matrices, { template, quotes: chart.quotes }).map((c) => [recordKey(c.case, c.cell.code), c]));
  const headerCode = new Map<string, string>();
  for (const m of matrices) for (const c of m.columns) headerCode.set(c.header, c.code);
  const cases = new Set(project.cases.map((c) => c.id));

  if (!back.records && !opts.force) {
    diagnostics.push(
      error(
        'sheet-without-records',
        'the sheet carries no record of what its cells held, so an edit cannot be told from a change of coding',
        back.sheets[0] ? back.sheets[0].at(-1, 0) : undefined,
        'import from a workbook or template made by dtors chart (--format xlsx, or --template with its manifest.json beside the CSV); or pass --force to take every cell that differs from the project',
      ),
    );
    return { changes: [], skipped: [], unchanged: 0, diagnostics };
  }

  const current = new Map(project.summaries.map((s) => [recordKey(s.case, s.code), s]));
  const wanted = new Map<string, { after: string; at: Pos }>();
  const skipped: Skipped[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const sheet of back.sheets) {
    const caseColumn = sheet.header.findIndex((h) => h.trim().toLowerCase() === 'case');
    const columns: [number, string][] = [];
    sheet.header.forEach((h, i) => {
      const code = codeOf(h, headerCode, project);
      if (code !== undefined) columns.push([i, code]);
    });
    sheet.rows.forEach((row, r) => {
      const kase = (row[caseColumn] ?? '').trim();
      if (!kase) return;
      if (!cases.has(kase)) {
        diagnostics.push(warning('sheet-unknown-case', `case "${kase}" is not in the project; its row is not imported`, sheet.at(r, caseColumn)));
        return;
      }
      for (const [c, code] of columns) {
        const key = recordKey(kase, code);
        const at = sheet.at(r, c);
        if (seen.has(key)) {
          diagnostics.push(warning('sheet-duplicate-cell', `case ${kase}, code ${code} appears again; only its first cell is imported`, at));
          continue;
        }
        seen.add(key);
        const after = readCellSummary(row[c] ?? '');
        const cell = now.get(key);
        const rec = back.records?.get(key);
        const nowSummary = cell ? summaryHash(cell.text) : summaryHash('');
        // As it was made, or as the project has it already: nothing to take.
        const mine = summaryHash(after);
        if (mine === nowSummary || mine === rec?.summary) {
          unchanged++;
          continue;
        }
        if (!opts.force) {
          if (!rec || !cell) {
            skipped.push({ why: 'unrecorded', case: kase, code, at });
            continue;
          }
          if (codingHash(cell.cell) !== rec.coding) {
            skipped.push({ why: 'stale', case: kase, code, at });
            continue;
          }
          if (nowSummary !== rec.summary) {
            skipped.push({ why: 'conflict', case: kase, code, at });
            continue;
          }
        }
        wanted.set(key, { after, at });
      }
    });
  }

  // In the order of the summaries file, new ones last (in the order of the sheets).
  const changes: Change[] = [];
  for (const s of project.summaries) {
    const key = recordKey(s.case, s.code);
    const w = wanted.get(key);
    if (!w) continue;
    wanted.delete(key);
    if (w.after === s.summary) continue;
    changes.push(w.after === '' ? { kind: 'removed', case: s.case, code: s.code, before: s.summary, after: '', at: w.at } : { kind: 'updated', case: s.case, code: s.code, before: s.summary, after: w.after, at: w.at });
  }
  for (const [key, w] of wanted) {
    // A cell left empty, or emptied, where the project has no cell summary: nothing to write.
    if (w.after === '' || current.has(key)) continue;
    const [kase, code] = key.split('\u0000');
    changes.push({ kind: 'added', case: kase, code, after: w.after, at: w.at });
  }
  for (const s of skipped) {
    const cell = `case ${s.case}, code ${s.code}: not imported`;
    diagnostics.push(
      s.why === 'stale'
        ? warning('summary-stale', `${cell}: its coding changed since the sheet was made, so the summary may be about passages that are no longer there`, s.at, 'chart a new template and move the summary there, or pass --force to import it as it is')
        : s.why === 'conflict'
          ? warning('summary-conflict', `${cell}: its summary was changed in the project since the sheet was made; importing would overwrite that change`, s.at, 'pass --force to import it anyway')
          : warning('summary-unrecorded', `${cell}: the sheet has no record of this cell as it was made`, s.at, 'pass --force to import it anyway'),
    );
  }
  return { changes, skipped, unchanged, diagnostics };
}

/**
 * The code a column header names: the chart's header (`1.1 Substitute prescribing`), or a header that
 * starts with a chart column's code (`1.1`, `1.1 Substitute prescribing (edited)`).
 */
function codeOf(header: string, byHeader: Map<string, string>, project: Project): string | undefined {
  const h = header.trim();
  const exact = byHeader.get(h);
  if (exact) return exact;
  const first = h.split(/\s+/)[0];
  const node = project.frame.nodes.get(first);
  return node && node.column === node.id ? node.id : undefined;
}

/**
 * The summaries file's text after the changes: edited where it stands (rewriteTable), so that rows not
 * changed keep their bytes and a diff shows only the summaries imported; a new file when there was none.
 */
export function summariesText(existing: string | undefined, changes: Change[], coder: string | undefined, delimiter?: string): { text: string } | { problem: string } {
  if (existing === undefined) {
    const header = ['case', 'code', 'summary', 'note', 'coder'];
    const rows = changes.filter((c) => c.kind !== 'removed').map((c) => [c.case, c.code, c.after, '', coder ?? '']);
    return { text: csvTable([header, ...rows], { raw: true }) };
  }
  const table = csvRecords(existing, delimiter);
  if (!table) return { problem: 'the summaries file has no header row' };
  const record = new Map<string, number>();
  for (const r of table.rows) {
    const key = recordKey(r.values.case.trim(), r.values.code.trim());
    if (!record.has(key)) record.set(key, r.record);
  }
  const edits: TableEdits = { set: [], remove: [], append: [] };
  for (const c of changes) {
    const r = record.get(recordKey(c.case, c.code));
    if (c.kind === 'added' || r === undefined) {
      edits.append.push({ case: c.case, code: c.code, summary: c.after, ...(coder ? { coder } : {}) });
    } else if (c.kind === 'removed') edits.remove.push(r);
    else {
      edits.set.push({ record: r, column: 'summary', value: c.after });
      if (coder) edits.set.push({ record: r, column: 'coder', value: coder });
    }
  }
  return rewriteTable(existing, edits, delimiter);
}
