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
import type { DocIndex, DocTurns, SearchIndex } from './index.js';

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

type Span = [number, number];
interface Found {
  ok: boolean;
  spans: Span[];
}

export function search(project: Project, index: SearchIndex, query: Query, opts: SearchOptions): SearchResult {
  knownStems(index.vocabulary, index.stems);
  // Each term is looked up once in the vocabulary, not once per word of text.
  const matchers = new Map<string, Uint8Array>();
  const flags = (term: string) => {
    let f = matchers.get(term);
    if (!f) {
      const test = termMatcher(term);
      f = new Uint8Array(index.vocabulary.length);
      index.vocabulary.forEach((w, i) => {
        if (test(w)) f![i] = 1;
      });
      matchers.set(term, f);
    }
    return f;
  };
  const caseOf = new Map<string, string>();
  for (const c of project.cases) for (const t of c.transcripts) caseOf.set(t, c.id);
  const byTranscript = segmentsByTranscript(opts.segments ?? []);

  // Every word any term or phrase of the query looks for, in one table.
  const wanted = new Uint8Array(index.vocabulary.length);
  for (const term of leadTerms(query)) flags(term).forEach((v, i) => (wanted[i] |= v));
  const hits: Hit[] = [];
  let units = 0;
  let transcripts = 0;
  let unitNumber = 0;
  for (const id of opts.transcripts) {
    const t = project.transcripts.get(id);
    const doc = index.docs.get(id);
    if (!t || !doc) continue;
    const before = hits.length;
    // Only units holding a word the query looks for can match (a query of NOTs alone is refused), so
    // the words are found in the whole transcript first, and only their units are looked at.
    const found0 = positives(doc, wanted);
    if (!found0.length) continue;
    // Plain turns come from the index; coded or uncoded text is cut from the transcript's own turns.
    const us = opts.coded || opts.uncoded ? listedUnits(unitsOf(t, opts, byTranscript.get(id) ?? [], project.frame)) : indexedTurns(doc.turns, opts.respondentOnly);
    const candidates = new Set<number>();
    for (const k of found0) {
      const u = us.at(doc.starts[k]);
      if (u !== undefined) candidates.add(u);
    }
    for (const ui of [...candidates].sort((a, b) => a - b)) {
      const u = us.unit(ui);
      const [lo, hi] = wordRange(doc, u);
      if (lo >= hi) continue;
      const found = evaluate(query, doc, lo, hi, flags);
      if (!found.ok || !found.spans.length) continue;
      units++;
      const unitLines = { startLine: lineOf(t, u.start), endLine: lineOf(t, Math.max(u.start, u.end - 1)), index: unitNumber + ui };
      for (const [a, b] of merge(found.spans)) {
        const start = doc.starts[a];
        const end = doc.starts[b] + doc.lengths[b];
        hits.push({
          transcript: id,
          case: caseOf.get(id),
          speaker: u.speaker,
          line: lineOf(t, start),
          endLine: lineOf(t, end - 1),
          start: codePointOffset(t, start),
          end: codePointOffset(t, end),
          // Context stays within the unit: another speaker's words are not this one's context.
          left: context(t.text.slice(u.start, start), -opts.width),
          match: oneLine(t.text.slice(start, end)),
          right: context(t.text.slice(end, u.end), opts.width),
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

/** Positions of the words marked in `wanted`. */
function positives(doc: DocIndex, wanted: Uint8Array): number[] {
  const out: number[] = [];
  const words = doc.words;
  for (let k = 0; k < words.length; k++) if (wanted[words[k]]) out.push(k);
  return out;
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
  const ranges = mergeRanges(wanted.map((s) => [s.start, s.end] as Span));
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

function evaluate(q: Query, doc: DocIndex, lo: number, hi: number, flags: (term: string) => Uint8Array): Found {
  switch (q.kind) {
    case 'term': {
      const f = flags(q.text);
      const spans: Span[] = [];
      for (let k = lo; k < hi; k++) if (f[doc.words[k]]) spans.push([k, k]);
      return { ok: spans.length > 0, spans };
    }
    case 'phrase': {
      const fs = q.words.map(flags);
      const spans: Span[] = [];
      for (let k = lo; k + fs.length <= hi; k++) {
        if (fs.every((f, j) => f[doc.words[k + j]])) spans.push([k, k + fs.length - 1]);
      }
      return { ok: spans.length > 0, spans };
    }
    case 'and': {
      const parts = q.items.map((i) => evaluate(i, doc, lo, hi, flags));
      return parts.every((p) => p.ok) ? { ok: true, spans: parts.flatMap((p) => p.spans) } : { ok: false, spans: [] };
    }
    case 'or': {
      const parts = q.items.map((i) => evaluate(i, doc, lo, hi, flags)).filter((p) => p.ok);
      return { ok: parts.length > 0, spans: parts.flatMap((p) => p.spans) };
    }
    case 'not':
      return { ok: !evaluate(q.item, doc, lo, hi, flags).ok, spans: [] };
    case 'near': {
      const l = evaluate(q.left, doc, lo, hi, flags);
      const r = evaluate(q.right, doc, lo, hi, flags);
      const spans: Span[] = [];
      // Words apart: 1 for neighbours. Both lists are short within one unit.
      for (const a of l.spans) {
        for (const b of r.spans) {
          const gap = a[1] < b[0] ? b[0] - a[1] : b[1] < a[0] ? a[0] - b[1] : 0;
          if (gap <= q.distance) spans.push([Math.min(a[0], b[0]), Math.max(a[1], b[1])]);
        }
      }
      return { ok: spans.length > 0, spans };
    }
  }
}

/** Spans sorted, overlapping ones joined: one row per place in the text. */
function merge(spans: Span[]): Span[] {
  return mergeRanges(spans.map(([a, b]) => [a, b + 1] as Span)).map(([a, b]) => [a, b - 1]);
}

function mergeRanges(ranges: Span[]): Span[] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Span[] = [];
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

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

