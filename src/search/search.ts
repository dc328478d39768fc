/**
 * Keyword in context over the transcripts. A query is answered within units of text (by default each
 * speaker turn; or the passages coded to a code; or what no passage covers), so that `methadone AND
 * dose` means both in one turn, not somewhere in the same interview. Pure: the project, its segments
 * and the word index in; the hits out.
 */
import { knownStems, termMatcher } from '../nlp/words.js';
import type { Frame, Project, Segment, Transcript } from '../model/types.js';
import { floorIndex, oneLine } from '../project/text.js';
import { codePointOffset } from '../project/transcript.js';
import type { Query } from './query.js';
import type { DocIndex, DocTurns, IndexFile, Postings, Quotable } from './index.js';

export interface SearchOptions {
  /** Transcripts to search, in order. */
  transcripts: string[];
  /** Leave out interviewer turns. */
  respondentOnly?: boolean;
  /** Only within passages coded to these frame ids (a code and the codes below it). */
  coded?: Set<string>;
  /** Only outside every coded passage. */
  uncoded?: boolean;
  /** Segments, for `coded` and `uncoded`. */
  segments?: Segment[];
  /** Characters of context each side. */
  width: number;
}

export interface Hit {
  transcript: string;
  case?: string;
  speaker?: string;
  /** 1-based lines of the match. */
  line: number;
  endLine: number;
  /** Code-point offsets of the match (REFI-QDA and dtors' rule). */
  start: number;
  end: number;
  left: string;
  match: string;
  right: string;
  /** The unit the match is in: its lines, for `--as-annotations`. */
  unit: { startLine: number; endLine: number; index: number };
}

export interface SearchResult {
  hits: Hit[];
  /** Units with at least one hit. */
  units: number;
  transcripts: number;
}

/** A span of text to answer the query in (or to suggest codes for), with its speaker. */
export interface Unit {
  start: number;
  end: number;
  speaker?: string;
}

/** Offsets [start, end). */
type Range = [number, number];
/** Word positions [first, last] of a match, and its UTF-16 offsets [start, end). */
type Span = [number, number, number, number];
interface Found {
  ok: boolean;
  spans: Span[];
}

/** Where a term's words occur in one transcript, sorted by position (so by offset too). */
interface Occurrences {
  pos: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/**
 * The postings of every term of the query, by transcript number: read from the index once per word
 * the term finds, so a search reads the places of a few words, not the words of every transcript.
 */
class TermPlaces {
  private byTerm = new Map<string, Map<number, Occurrences>>();
  private flags = new Map<string, number[]>();

  constructor(private readonly index: IndexFile) {}

  /** The vocabulary's words a term finds. */
  words(term: string): number[] {
    let ws = this.flags.get(term);
    if (!ws) {
      const test = termMatcher(term);
      ws = [];
      this.index.vocabulary.forEach((w: string, i: number) => {
        if (test(w)) ws!.push(i);
      });
      this.flags.set(term, ws);
    }
    return ws;
  }

  of(term: string): Map<number, Occurrences> {
    let m = this.byTerm.get(term);
    if (!m) {
      m = new Map();
      const lists = this.words(term).map((w) => this.index.postings(w));
      // Each word's postings are sorted by transcript and position; a term's words are merged per transcript.
      const parts = new Map<number, { p: Postings; from: number; to: number }[]>();
      for (const p of lists) {
        for (let i = 0; i < p.doc.length; ) {
          let j = i;
          while (j < p.doc.length && p.doc[j] === p.doc[i]) j++;
          const list = parts.get(p.doc[i]) ?? [];
          list.push({ p, from: i, to: j });
          parts.set(p.doc[i], list);
          i = j;
        }
      }
      for (const [doc, list] of parts) {
        const n = list.reduce((t, x) => t + x.to - x.from, 0);
        const order: [number, number, number][] = [];
        for (const { p, from, to } of list) for (let i = from; i < to; i++) order.push([p.pos[i], p.start[i], p.start[i] + p.length[i]]);
        if (list.length > 1) order.sort((x, y) => x[0] - y[0]);
        const o: Occurrences = { pos: new Int32Array(n), start: new Int32Array(n), end: new Int32Array(n) };
        order.forEach(([pos, start, end], i) => {
          o.pos[i] = pos;
          o.start[i] = start;
          o.end[i] = end;
        });
        m.set(doc, o);
      }
      this.byTerm.set(term, m);
    }
    return m;
  }
}

export function search(project: Project, index: IndexFile, query: Query, opts: SearchOptions): SearchResult {
  knownStems(index.vocabulary, index.stems);
  const places = new TermPlaces(index);
  const caseOf = new Map<string, string>();
  for (const c of project.cases) for (const t of c.transcripts) caseOf.set(t, c.id);
  const byTranscript = segmentsByTranscript(opts.segments ?? []);
  const leads = [...new Set(leadTerms(query))];

  const hits: Hit[] = [];
  let units = 0;
  let transcripts = 0;
  let unitNumber = 0;
  for (const id of opts.transcripts) {
    const t = project.transcripts.get(id);
    const doc = index.byId.get(id);
    if (!t || !doc) continue;
    const before = hits.length;
    // Only units holding a word the query looks for can match (a query of NOTs alone is refused), so
    // only the units of those words are looked at.
    const found0 = leads.map((term) => places.of(term).get(doc.number)).filter((o): o is Occurrences => o !== undefined);
    if (!found0.length) continue;
    // Plain turns come from the index; coded or uncoded text is cut from the transcript's own turns.
    const us = opts.coded || opts.uncoded ? listedUnits(unitsOf(t, opts, byTranscript.get(id) ?? [], project.frame)) : indexedTurns(index.turns(doc.number), opts.respondentOnly);
    const candidates = new Set<number>();
    for (const o of found0) {
      for (let k = 0; k < o.start.length; k++) {
        const u = us.at(o.start[k]);
        if (u !== undefined) candidates.add(u);
      }
    }
    const inDoc = (term: string) => places.of(term).get(doc.number);
    // Quoted from the index, a turn at a time, where it can; else from the transcript.
    let q: Quotable | undefined;
    for (const ui of [...candidates].sort((a, b) => a - b)) {
      const u = us.unit(ui);
      const found = evaluate(query, inDoc, u);
      if (!found.ok || !found.spans.length) continue;
      units++;
      q ??= index.quotable(doc.number) ?? transcriptQuotable(t);
      const unitLines = { startLine: q.line(u.start), endLine: q.line(Math.max(u.start, u.end - 1)), index: unitNumber + ui };
      // The unit's text is read once: its hits and their context are pieces of it.
      const text = q.slice(u.start, u.end);
      const piece = (a: number, b: number) => text.slice(a - u.start, b - u.start);
      const reach = opts.width * 2;
      for (const [, , start, end] of merge(found.spans)) {
        hits.push({
          transcript: id,
          case: caseOf.get(id),
          speaker: u.speaker,
          line: q.line(start),
          endLine: q.line(end - 1),
          start: q.codePoint(start),
          end: q.codePoint(end),
          // Context stays within the unit: another speaker's words are not this one's context.
          left: context(piece(Math.max(u.start, start - reach), start), -opts.width),
          match: oneLine(piece(start, end)),
          right: context(piece(end, Math.min(u.end, end + reach)), opts.width),
          unit: unitLines,
        });
      }
    }
    unitNumber += us.count;
    if (hits.length > before) transcripts++;
  }
  return { hits, units, transcripts };
}

/** The terms whose words a unit must hold to match: each term, and each phrase's first word. */
function leadTerms(q: Query): string[] {
  switch (q.kind) {
    case 'term':
      return [q.text];
    case 'phrase':
      return [q.words[0]];
    case 'not':
      return [];
    case 'near':
      return [...leadTerms(q.left), ...leadTerms(q.right)];
    default:
      return q.items.flatMap(leadTerms);
  }
}

/** The unit holding offset `o` (units are sorted and do not overlap), if any. */
function unitAt(units: Unit[], o: number): number | undefined {
  let lo = 0;
  let hi = units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (units[mid].end <= o) lo = mid + 1;
    else if (units[mid].start > o) hi = mid - 1;
    else return mid;
  }
  return undefined;
}

/** Segments grouped by their transcript, in input order. */
export function segmentsByTranscript(segments: Segment[]): Map<string, Segment[]> {
  const out = new Map<string, Segment[]>();
  for (const s of segments) {
    const list = out.get(s.transcript.id);
    if (list) list.push(s);
    else out.set(s.transcript.id, [s]);
  }
  return out;
}

/** A transcript's turns as the index keeps them (every turn, with the lines before the first). */
export function turnsOf(t: Transcript): DocTurns {
  const units = unitsOf(t, {}, [], { themes: [], nodes: new Map(), order: [] });
  const labels = [...new Set(units.map((u) => u.speaker).filter((l): l is string => l !== undefined))];
  const interviewer = new Set(t.turns.filter((x) => x.interviewer).map((x) => x.label));
  return {
    starts: Int32Array.from(units, (u) => u.start),
    ends: Int32Array.from(units, (u) => u.end),
    label: Int32Array.from(units, (u) => (u.speaker === undefined ? -1 : labels.indexOf(u.speaker))),
    interviewer: Uint8Array.from(units, (u) => (u.speaker !== undefined && interviewer.has(u.speaker) ? 1 : 0)),
    labels,
  };
}

/** A transcript's units, sorted and apart: how many, the one holding an offset, and each by number. */
interface Units {
  count: number;
  at(offset: number): number | undefined;
  unit(i: number): Unit;
}

function listedUnits(units: Unit[]): Units {
  return { count: units.length, at: (o) => unitAt(units, o), unit: (i) => units[i] };
}

/**
 * The turns the index keeps, looked up in its arrays: a transcript of a thousand turns is searched
 * without making a thousand objects. Respondent-only leaves out the interviewer and the lines before
 * the first turn, as unitsOf does.
 */
function indexedTurns(turns: DocTurns, respondentOnly: boolean | undefined): Units {
  const n = turns.starts.length;
  return {
    count: n,
    at: (o) => {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (turns.ends[mid] <= o) lo = mid + 1;
        else if (turns.starts[mid] > o) hi = mid - 1;
        else return respondentOnly && (turns.interviewer[mid] || turns.label[mid] < 0) ? undefined : mid;
      }
      return undefined;
    },
    unit: (i) => ({ start: turns.starts[i], end: turns.ends[i], speaker: turns.label[i] < 0 ? undefined : turns.labels[turns.label[i]] }),
  };
}

/** The units of one transcript: its turns, cut down to coded or uncoded text when asked. */
export function unitsOf(t: Transcript, opts: Pick<SearchOptions, 'respondentOnly' | 'coded' | 'uncoded'>, segments: Segment[], frame: Frame): Unit[] {
  const turns: Unit[] = [];
  const firstTurnLine = t.turns.length ? t.turns[0].line : t.lineCount;
  // Lines before the first turn (a heading, the date) are a unit of no speaker.
  if (firstTurnLine > 0 && !opts.respondentOnly) turns.push({ start: 0, end: t.turns.length ? t.lineStarts[firstTurnLine] : t.text.length });
  t.turns.forEach((turn, i) => {
    if (opts.respondentOnly && turn.interviewer) return;
    const next = t.turns[i + 1];
    // The speaker's label is not what was said.
    turns.push({ start: turn.textStart, end: next ? t.lineStarts[next.line] : t.text.length, speaker: turn.label });
  });
  if (!opts.coded && !opts.uncoded) return turns;
  const wanted = opts.coded ? segments.filter((s) => within(frame, s.annotation.code, opts.coded!)) : segments;
  const ranges = mergeRanges(wanted.map((s) => [s.start, s.end] as Range));
  const out: Unit[] = [];
  for (const u of turns) {
    if (opts.coded) {
      for (const [a, b] of ranges) {
        const start = Math.max(a, u.start);
        const end = Math.min(b, u.end);
        if (start < end) out.push({ ...u, start, end });
      }
    } else {
      let at = u.start;
      for (const [a, b] of ranges) {
        if (b <= at || a >= u.end) continue;
        if (a > at) out.push({ ...u, start: at, end: a });
        at = Math.max(at, b);
      }
      if (at < u.end) out.push({ ...u, start: at, end: u.end });
    }
  }
  return out;
}

/** Whether a code is one of the wanted codes or below one. */
function within(frame: Frame, code: string, wanted: Set<string>): boolean {
  for (let c: string | undefined = code; c !== undefined; c = frame.nodes.get(c)?.parent) if (wanted.has(c)) return true;
  return false;
}

/**
 * The occurrences [i, j) of a term inside a unit: the words that start in it and end in it, as
 * wordRange() counts a unit's words.
 */
function inUnit(o: Occurrences | undefined, u: { start: number; end: number }): [number, number] {
  if (!o) return [0, 0];
  let i = lowerBound(o.start, u.start);
  let j = lowerBound(o.start, u.end);
  while (j > i && o.end[j - 1] > u.end) j--;
  return [i, j];
}

function evaluate(q: Query, inDoc: (term: string) => Occurrences | undefined, u: Unit): Found {
  switch (q.kind) {
    case 'term': {
      const o = inDoc(q.text);
      const [i, j] = inUnit(o, u);
      const spans: Span[] = [];
      for (let k = i; k < j; k++) spans.push([o!.pos[k], o!.pos[k], o!.start[k], o!.end[k]]);
      return { ok: spans.length > 0, spans };
    }
    case 'phrase': {
      const os = q.words.map((w) => ({ o: inDoc(w), r: [0, 0] as [number, number] }));
      for (const x of os) x.r = inUnit(x.o, u);
      const spans: Span[] = [];
      const [first, ...rest] = os;
      for (let k = first.r[0]; k < first.r[1]; k++) {
        const p = first.o!.pos[k];
        let end = first.o!.end[k];
        let all = true;
        for (let j = 0; j < rest.length && all; j++) {
          const { o, r } = rest[j];
          const at = o ? lowerBound(o.pos, p + j + 1, r[0], r[1]) : r[1];
          all = at < r[1] && o!.pos[at] === p + j + 1;
          if (all) end = o!.end[at];
        }
        if (all) spans.push([p, p + rest.length, first.o!.start[k], end]);
      }
      return { ok: spans.length > 0, spans };
    }
    case 'and': {
      const parts = q.items.map((i) => evaluate(i, inDoc, u));
      return parts.every((p) => p.ok) ? { ok: true, spans: parts.flatMap((p) => p.spans) } : { ok: false, spans: [] };
    }
    case 'or': {
      const parts = q.items.map((i) => evaluate(i, inDoc, u)).filter((p) => p.ok);
      return { ok: parts.length > 0, spans: parts.flatMap((p) => p.spans) };
    }
    case 'not':
      return { ok: !evaluate(q.item, inDoc, u).ok, spans: [] };
    case 'near': {
      const l = evaluate(q.left, inDoc, u);
      const r = evaluate(q.right, inDoc, u);
      const spans: Span[] = [];
      // Words apart: 1 for neighbours. Both lists are short within one unit.
      for (const a of l.spans) {
        for (const b of r.spans) {
          const gap = a[1] < b[0] ? b[0] - a[1] : b[1] < a[0] ? a[0] - b[1] : 0;
          if (gap <= q.distance) spans.push(a[0] <= b[0] ? [a[0], Math.max(a[1], b[1]), a[2], Math.max(a[3], b[3])] : [b[0], Math.max(a[1], b[1]), b[2], Math.max(a[3], b[3])]);
        }
      }
      return { ok: spans.length > 0, spans };
    }
  }
}

/** Spans sorted, overlapping ones joined: one row per place in the text. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Span[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    // Neighbouring words join too: "methadone dose" found by two terms is one place.
    if (last && r[0] <= last[1] + 1) {
      last[1] = Math.max(last[1], r[1]);
      last[3] = Math.max(last[3], r[3]);
    } else out.push([...r]);
  }
  return out;
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** The unit's words, as index positions [lo, hi): those that start inside it and end inside it. */
export function wordRange(doc: DocIndex, u: { start: number; end: number }): [number, number] {
  const lo = lowerBound(doc.starts, u.start);
  let hi = lowerBound(doc.starts, u.end);
  while (hi > lo && doc.starts[hi - 1] + doc.lengths[hi - 1] > u.end) hi--;
  return [lo, hi];
}

function lowerBound(a: Int32Array, x: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quotes from a transcript in memory. */
function transcriptQuotable(t: Transcript): Quotable {
  return { line: (o) => lineOf(t, o), codePoint: (o) => codePointOffset(t, o), slice: (a, b) => t.text.slice(a, b) };
}

function lineOf(t: Transcript, offset: number): number {
  return floorIndex(t.lineStarts, offset) + 1;
}

/**
 * The last (width < 0) or first `|width|` characters of a piece of text, on one line, cut at a word
 * boundary.
 */
function context(piece: string, width: number): string {
  if (width === 0) return '';
  // A little more than asked is read: runs of white space fold to one space.
  const raw = width < 0 ? piece.slice(Math.max(0, piece.length + width * 2)) : piece.slice(0, width * 2);
  let s = oneLine(raw);
  const n = Math.abs(width);
  if (s.length > n) {
    s = width < 0 ? s.slice(s.length - n) : s.slice(0, n);
    // Not half a word at the far end.
    s = width < 0 ? s.replace(/^\S*\s/, '') : s.replace(/\s\S*$/, '');
  }
  return s.trim();
}

