import { error } from '../model/diagnostics.js';
import type { Cell, Column, Entry, Matrix, Row } from '../model/matrix.js';
import type { Case, CellSummary, Diagnostic, Project, QuoteMode, Segment, Transcript } from '../model/types.js';
import { unknownAttribute, unknownCoder } from '../project/hints.js';
import { naturalCompare } from '../project/text.js';
import { codePointOffset, lineEnd } from '../project/transcript.js';
import type * as AutoSummary from './autoSummary.js';

/** Everything that shapes a chart; defaults come from dtors.yaml, flags override them. */
export interface ChartOptions {
  /** Attributes to order rows by (then case id in natural order). Default: none. */
  sort: string[];
  /** Attribute columns after `case`. Default: the sort attributes. */
  attributes: string[];
  /** none | marked (key-quote `*`) | full (verbatim quotes too). Default: marked. */
  quotes: QuoteMode;
  /** Keep interviewer lines in verbatim quotes. Default: true. */
  interviewer: boolean;
  /** Theme ids to chart; all when absent. */
  themes?: string[];
  /** Keep cases whose attribute matches one of the values (case-insensitive); all filters must hold. */
  where: [string, string[]][];
  /** Chart only these coders' annotations; all when absent. */
  coders?: string[];
  /**
   * Fill passages the analyst has not summarised with an extractive summary of the participant's own
   * words, marked `[auto]`: the autoSummary.ts module, passed in by whoever wants it, so that charting
   * without it never loads the language processing. Default: none.
   */
  autoSummary?: Pick<typeof AutoSummary, 'autoSummary' | 'stemIdf' | 'stemCounts' | 'contentStems'>;
  /**
   * Work out each entry's verbatim words and speaker. Default true; when no output shows quotes the
   * work can be skipped.
   */
  verbatim?: boolean;
}

/** Checks options against the project: unknown attributes, coders and themes are usage errors. */
export function checkOptions(project: Project, o: ChartOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const attrs = project.attributeNames;
  for (const a of new Set([...o.sort, ...o.attributes, ...o.where.map(([k]) => k)])) {
    if (!attrs.includes(a)) out.push(unknownAttribute(a, attrs));
  }
  const coders = new Set(project.annotations.map((a) => a.coder).filter((c): c is string => c !== undefined));
  for (const c of o.coders ?? []) if (!coders.has(c)) out.push(unknownCoder(c, coders));
  for (const t of o.themes ?? []) {
    if (project.frame.themes.some((x) => x.id === t)) continue;
    const node = project.frame.nodes.get(t);
    const hint = node
      ? `${t} is a sub-theme of theme ${node.theme}; charts are per theme`
      : `themes: ${project.frame.themes.map((x) => `${x.id} ${x.label}`).join(', ')}`;
    out.push(error('unknown-theme', `unknown theme "${t}"`, undefined, hint));
  }
  return out;
}

/** One matrix per theme: a row per case, a column per sub-theme, each cell the case's charted data. */
export function buildMatrices(project: Project, segments: Segment[], o: ChartOptions): Matrix[] {
  const cases = selectCases(project.cases, o);
  const caseOf = new Map<string, Case>();
  const order = new Map<string, number>();
  for (const c of project.cases) c.transcripts.forEach((t, i) => (caseOf.set(t, c), order.set(t, i)));
  const coders = o.coders ? new Set(o.coders) : undefined;

  const charted = new Set(cases.map((c) => c.id));
  const themeIds = o.themes ? new Set(o.themes) : undefined;

  // cell key → entries, in transcript order within the case. Entries are made only for the cells
  // that will be shown; `ord` is the transcript's place in its case.
  const entries = new Map<string, { seg: Segment; entry: Entry; ord: number }[]>();
  const generalUsed = new Set<string>();
  for (const seg of segments) {
    const a = seg.annotation;
    if (coders && !coders.has(a.coder ?? '')) continue;
    const node = project.frame.nodes.get(a.code)!;
    // The general column depends on all cases' coding (of the chosen coders), so --where does not change the columns.
    if (node.depth === 0) generalUsed.add(node.id);
    const c = caseOf.get(seg.transcript.id);
    if (!c || !charted.has(c.id) || (themeIds && !themeIds.has(node.theme))) continue;
    const key = cellKey(c.id, node.column);
    let list = entries.get(key);
    if (!list) entries.set(key, (list = []));
    list.push({ seg, entry: toEntry(seg, o.interviewer, o.verbatim !== false), ord: order.get(seg.transcript.id)! });
  }
  const summaries = new Map<string, CellSummary>();
  for (const s of project.summaries) {
    const col = project.frame.nodes.get(s.code)!.column;
    if (project.frame.nodes.get(col)!.depth === 0) generalUsed.add(col);
    summaries.set(cellKey(s.case, col), s);
  }
  for (const list of entries.values()) {
    list.sort(
      (x, y) =>
        x.ord - y.ord ||
        x.seg.start - y.seg.start ||
        x.seg.end - y.seg.end ||
        naturalCompare(x.seg.annotation.code, y.seg.annotation.code) ||
        x.seg.annotation.index - y.seg.annotation.index,
    );
  }

  if (o.autoSummary) fillAutoSummaries(project, segments, entries, o.autoSummary);

  const themes = o.themes ? project.frame.themes.filter((t) => o.themes!.includes(t.id)) : project.frame.themes;
  return themes.map((theme) => {
    const columns: Column[] = [];
    if (generalUsed.has(theme.id) || theme.subthemes.length === 0) {
      columns.push({ code: theme.id, label: theme.label, header: `${theme.id} ${theme.label} (general)`, general: true });
    }
    for (const id of theme.subthemes) {
      const n = project.frame.nodes.get(id)!;
      columns.push({ code: id, label: n.label, header: `${id} ${n.label}`, general: false });
    }
    const rows: Row[] = cases.map((c) => ({
      case: c.id,
      attributes: Object.fromEntries(o.attributes.map((a) => [a, c.attributes[a] ?? ''])),
      cells: columns.map((col) => toCell(col.code, (entries.get(cellKey(c.id, col.code)) ?? []).map((x) => x.entry), summaries.get(cellKey(c.id, col.code)))),
    }));
    return { theme: { id: theme.id, label: theme.label, description: theme.description }, attributes: [...o.attributes], columns, rows };
  });
}

/**
 * Gives every unsummarised entry its `[auto]` summary. The words weighed are those of the whole cell
 * (what the case said on the sub-theme), against every coded passage of the project.
 */
function fillAutoSummaries(project: Project, segments: Segment[], entries: Map<string, { seg: Segment; entry: Entry }[]>, auto: NonNullable<ChartOptions['autoSummary']>): void {
  // Each passage's respondent words, and their stems, are worked out once.
  const respondent = new Map<Segment, { text: string; stems: string[] }>();
  const words = (seg: Segment) => {
    let w = respondent.get(seg);
    if (w === undefined) {
      const text = quoteOf(seg.transcript, seg, false).text ?? '';
      respondent.set(seg, (w = { text, stems: auto.contentStems(text) }));
    }
    return w;
  };
  const idf = auto.stemIdf(segments.map((s) => words(s).stems));
  for (const [key, list] of entries) {
    if (list.every((x) => x.entry.summary !== undefined)) continue;
    const column = key.slice(key.indexOf('\u0000') + 1);
    const keywords = project.frame.order.filter((id) => project.frame.nodes.get(id)!.column === column).flatMap((id) => project.frame.nodes.get(id)!.keywords);
    const tf = auto.stemCounts(list.map((x) => words(x.seg).stems));
    for (const x of list) {
      if (x.entry.summary !== undefined) continue;
      const text = auto.autoSummary(words(x.seg).text, tf, idf, keywords);
      if (text) {
        x.entry.summary = text;
        x.entry.auto = true;
      }
    }
  }
}

export function cellKey(caseId: string, column: string): string {
  return `${caseId}\u0000${column}`;
}

export function selectCases(cases: Case[], o: Pick<ChartOptions, 'where' | 'sort'>): Case[] {
  const kept = cases.filter((c) => o.where.every(([attr, values]) => values.some((v) => (c.attributes[attr] ?? '').toLowerCase() === v.toLowerCase())));
  return kept.sort((a, b) => {
    for (const attr of o.sort) {
      const x = a.attributes[attr] ?? '';
      const y = b.attributes[attr] ?? '';
      // Cases without a value come after those with one.
      if (x === '' && y !== '') return 1;
      if (y === '' && x !== '') return -1;
      const d = naturalCompare(x, y);
      if (d) return d;
    }
    return naturalCompare(a.id, b.id);
  });
}

function toCell(code: string, entries: Entry[], s: CellSummary | undefined): Cell {
  const cell: Cell = { code, state: 'empty', entries };
  if (s) {
    cell.summary = s.summary;
    if (s.note) cell.note = s.note;
    if (s.coder) cell.coder = s.coder;
    cell.state = s.absence === 'not discussed' ? 'not-discussed' : s.absence === 'not asked' ? 'not-asked' : 'cell-summary';
  } else if (entries.length) {
    // An [auto] summary is not the analyst's: the cell stays not summarised.
    cell.state = entries.every((e) => e.summary !== undefined && !e.auto) ? 'summarised' : 'not-summarised';
  }
  return cell;
}

export function lineRef(transcript: string, startLine: number, endLine: number): string {
  return `${transcript}:${startLine === endLine ? startLine : `${startLine}-${endLine}`}`;
}

function toEntry(seg: Segment, interviewer: boolean, verbatim: boolean): Entry {
  const a = seg.annotation;
  const t = seg.transcript;
  const q = verbatim ? quoteOf(t, seg, interviewer) : {};
  const e: Entry = {
    transcript: t.id,
    startLine: seg.startLine,
    endLine: seg.endLine,
    start: codePointOffset(t, seg.start),
    end: codePointOffset(t, seg.end),
    ref: lineRef(t.id, seg.startLine, seg.endLine),
    key: a.key,
    code: a.code,
  };
  if (a.summary !== undefined) e.summary = a.summary;
  if (a.note !== undefined) e.note = a.note;
  if (a.coder !== undefined) e.coder = a.coder;
  if (a.id !== undefined) e.id = a.id;
  if (q.text) e.quote = q.text;
  if (q.speaker) e.speaker = q.speaker;
  return e;
}

/**
 * The passage's words, white space collapsed. Speaker labels are cut; when the passage spans several
 * turns each piece is prefixed with its speaker, so a quote never puts words in the wrong mouth.
 */
function quoteOf(t: Transcript, seg: Segment, interviewer: boolean): { text?: string; speaker?: string } {
  // `gap`: interviewer words were left out just before this piece (--no-interviewer).
  const pieces: { turn: number; text: string; gap: boolean }[] = [];
  let skipped = false;
  for (let l = seg.startLine; l <= seg.endLine; l++) {
    const ti = t.lineTurn[l - 1];
    const turn = ti >= 0 ? t.turns[ti] : undefined;
    const ls = t.lineStarts[l - 1];
    const le = lineEnd(t, l);
    let from = Math.max(ls, seg.start);
    const to = Math.min(le, seg.end);
    if (turn && turn.line === l - 1) from = Math.max(from, turn.textStart);
    if (to <= from || !/\S/.test(t.text.slice(from, to))) continue;
    if (!interviewer && turn?.interviewer) {
      skipped = pieces.length > 0;
      continue;
    }
    const words = t.text.slice(from, to);
    const last = pieces[pieces.length - 1];
    if (last && last.turn === ti && !skipped) last.text += ' ' + words;
    else pieces.push({ turn: ti, text: words, gap: skipped });
    skipped = false;
  }
  for (const p of pieces) p.text = p.text.replace(/[\s\u00a0]+/g, ' ').trim();
  if (!pieces.length) return {};
  const label = (p: { turn: number }) => (p.turn >= 0 ? t.turns[p.turn].label : undefined);
  const speaker = label(pieces[0]);
  // One speaker: the words alone, with […] where the interviewer was cut. Several: each piece is
  // prefixed with its speaker, so a quote never puts words in the wrong mouth.
  const oneVoice = pieces.every((p) => label(p) === speaker);
  const text = pieces
    .map((p, i) => {
      const sep = i === 0 ? '' : p.gap ? ' […] ' : ' / ';
      const who = oneVoice || p.turn < 0 ? '' : `${label(p)}: `;
      return sep + who + p.text;
    })
    .join('');
  return { text, speaker };
}
