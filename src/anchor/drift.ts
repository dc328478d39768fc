/**
 * Drift: annotations whose transcript changed since they were locked, and whose lines (or quote) no
 * longer hold the locked text. For each, where that text is now, and what the annotation's row would
 * have to say to point at it again.
 */
import { warning } from '../model/diagnostics.js';
import type { Annotation, Diagnostic, LineRange, Project, Segment, Transcript } from '../model/types.js';
import { lineEnd } from '../project/transcript.js';
import { foldQuote } from './quote.js';
import { lineRange, lockKeys, transcriptHashes, writtenLines, type Lock, type LockEntry } from './lock.js';
import { haystack, lockedText, percent, relocate, word, type Found, type Haystack, type Outcome } from './relocate.js';

export interface Drift {
  annotation: Annotation;
  entry: LockEntry;
  outcome: Outcome;
  /** With a found outcome: the row's new lines (when it has lines) and quote (when its quote no longer reads right). */
  lines?: LineRange;
  quote?: string;
}

export interface DriftReport {
  drifts: Drift[];
  /** Annotations checked against an edited transcript, and of those, how many still held. */
  checked: number;
  held: number;
  diagnostics: Diagnostic[];
}

/**
 * Checks every locked annotation whose transcript has changed. Annotations without an entry (new, or
 * edited by hand since) and transcripts whose hash is unchanged are not looked at.
 */
export function checkDrift(project: Project, segments: Segment[], lock: Lock): DriftReport {
  const report: DriftReport = { drifts: [], checked: 0, held: 0, diagnostics: [] };
  const hashes = transcriptHashes(project);
  // Transcripts changed since some entry was locked: only their annotations can have drifted. An
  // annotation is checked when its entry is one of these (same transcript, another hash), so when no
  // transcript has changed, which is the usual run, no key needs computing at all.
  const changed = new Set<string>();
  for (const e of lock.entries) {
    const sha = hashes.get(e.transcript);
    if (sha && e.sha256 !== sha) changed.add(e.transcript);
  }
  if (!changed.size) return report;
  const keys = lockKeys(project, (a) => changed.has(a.transcript));
  const located = new Map(segments.map((s) => [s.annotation.index, s]));
  const byTranscript = new Map<string, { a: Annotation; entry: LockEntry; s?: Segment }[]>();
  project.annotations.forEach((a, i) => {
    if (!keys[i]) return;
    const entry = lock.byKey.get(keys[i]);
    const sha = hashes.get(a.transcript);
    if (!entry || !sha || entry.sha256 === sha || entry.transcript !== a.transcript) return;
    let group = byTranscript.get(a.transcript);
    if (!group) byTranscript.set(a.transcript, (group = []));
    group.push({ a, entry, s: located.get(a.index) });
  });
  const speakers = project.speakers;
  for (const [id, group] of byTranscript) {
    const t = project.transcripts.get(id)!;
    const h = haystack(t);
    // Old line → new line of the passages that held: the shift that edits above a passage caused.
    const shifts: [number, number][] = [];
    const open: { a: Annotation; entry: LockEntry; q: string; old: number }[] = [];
    for (const { a, entry, s } of group) {
      report.checked++;
      const q = lockedText({ exact: entry.exact, prefix: entry.prefix, suffix: entry.suffix, line: 0 }, speakers);
      const old = firstLine(entry.lines);
      if (s && holds(h, s, entry, q)) {
        report.held++;
        shifts.push([old, s.startLine]);
      } else open.push({ a, entry, q, old });
    }
    // Two rounds: passages that are found the first time tell where their neighbours have gone.
    const outcomes = new Map<Annotation, Outcome>();
    for (let round = 0; round < 2; round++) {
      const sorted = [...shifts].sort((x, y) => x[0] - y[0]);
      for (const { a, entry, q, old } of open) {
        // The second round is for passages that fit several places, which the neighbours may decide.
        const done = outcomes.get(a);
        if (done && !('ambiguous' in done && done.ambiguous)) continue;
        const outcome = relocate(h, { exact: entry.exact, prefix: entry.prefix, suffix: entry.suffix, line: old }, old + shiftAt(sorted, old), speakers, q);
        outcomes.set(a, outcome);
        if (round === 0 && 'found' in outcome) shifts.push([old, outcome.found.startLine]);
      }
      if (![...outcomes.values()].some((o) => 'ambiguous' in o && o.ambiguous)) break;
    }
    for (const { a, entry } of open) {
      const outcome = outcomes.get(a)!;
      const d: Drift = { annotation: a, entry, outcome };
      if ('found' in outcome) Object.assign(d, target(a, entry, outcome.found, t));
      report.drifts.push(d);
      report.diagnostics.push(diagnostic(d));
    }
  }
  return report;
}

/** Whether a located annotation still resolves to its locked text `q` (folded as lockedText folds it). */
function holds(h: Haystack, s: Segment, entry: LockEntry, q: string): boolean {
  const now = h.folded.text.slice(h.folded.folded(s.start), h.folded.folded(s.end)).trim();
  if (now !== q) return false;
  const t = h.t;
  // Lines that hold the words and a blank line more or less (a paragraph above was re-wrapped) no
  // longer fit the passage as it was coded.
  if (s.annotation.quote === undefined) return blankEdges(t.text.slice(s.start, s.end)).join() === blankEdges(entry.exact).join();
  // A quote locked as whole words that now stops inside one ("form" of "formm") has lost its end.
  const cut = (lockedSide: string | undefined, nowSide: string | undefined) => !word(lockedSide) && word(nowSide);
  return !cut(entry.suffix[0], t.text[s.end]) && !cut(entry.prefix[entry.prefix.length - 1], t.text[s.start - 1]);
}

/** How many blank lines a passage of whole lines begins and ends with. */
function blankEdges(text: string): [number, number] {
  const lines = text.split('\n');
  const lead = lines.findIndex((l) => /\S/.test(l));
  if (lead === -1) return [lines.length, 0];
  let trail = 0;
  while (!/\S/.test(lines[lines.length - 1 - trail])) trail++;
  return [lead, trail];
}

function firstLine(lines: string): number {
  return Number(lines.split('-')[0]);
}

/** The shift of the nearest passage at or above `line` (or the first one below, when none is above). */
function shiftAt(sorted: [number, number][], line: number): number {
  if (!sorted.length) return 0;
  let best = sorted[0];
  for (const p of sorted) {
    if (p[0] > line) break;
    best = p;
  }
  return best[1] - best[0];
}

/**
 * What the row must say to point at `f`. A row with lines only gets the lines the text is on now. A row
 * with a quote gets a new quote only when its own no longer reads as the text (a corrected typo), and,
 * if it has lines, lines that keep the margin it had around the quote.
 */
function target(a: Annotation, entry: LockEntry, f: Found, t: Transcript): { lines?: LineRange; quote?: string } {
  if (a.quote === undefined) {
    // Blank lines the analyst's range began or ended with are kept.
    const [lead, trail] = blankEdges(entry.exact);
    return { lines: { start: Math.max(1, f.startLine - lead), end: Math.min(t.lineCount, f.endLine + trail) } };
  }
  const text = t.text.slice(f.start, f.end);
  const out: { lines?: LineRange; quote?: string } = {};
  if (foldQuote(a.quote) !== foldQuote(text)) out.quote = text.replace(/\s+/g, ' ').trim();
  if (a.lines && entry.sha256 === '') {
    // Found by its quote alone (no lock record): where the quote used to be is not known, so lines
    // that still hold it stay, and others become the quote's.
    const inside = a.lines.start <= f.startLine && f.endLine <= a.lines.end;
    out.lines = inside ? a.lines : { start: f.startLine, end: f.endLine };
  } else if (a.lines) {
    const [os, oe] = entry.lines.split('-').map(Number);
    const above = Math.max(0, os - a.lines.start);
    const below = Math.max(0, a.lines.end - (oe ?? os));
    out.lines = { start: Math.max(1, f.startLine - above), end: Math.min(t.lineCount, f.endLine + below) };
  }
  return out;
}

/** `line 165`, `lines 165-167`. */
function linesText(l: LineRange): string {
  return l.start === l.end ? `line ${l.start}` : `lines ${l.start}-${l.end}`;
}

/** `P07 112-118` as the row has it now. */
export function fromText(a: Annotation, entry: LockEntry): string {
  return `${a.transcript} ${writtenLines(a) || entry.lines}`;
}

/** `P07 115-121`, where the row will point. */
export function toText(d: Drift): string {
  if (!('found' in d.outcome)) return '';
  const f = d.outcome.found;
  return `${d.annotation.transcript} ${d.lines ? lineRange(d.lines.start, d.lines.end) : lineRange(f.startLine, f.endLine)}`;
}

/** `exact`, or `fuzzy 96%`. */
export function howFound(f: Found): string {
  return f.method === 'exact' ? 'exact' : `fuzzy ${percent(f.similarity)}`;
}

/** Whether applying the drift changes the row (a typo fixed inside a passage of lines changes nothing). */
export function changesRow(d: Drift): boolean {
  const a = d.annotation;
  if (d.quote !== undefined) return true;
  return !!d.lines && (!a.lines || d.lines.start !== a.lines.start || d.lines.end !== a.lines.end);
}

function diagnostic(d: Drift): Diagnostic {
  const a = d.annotation;
  const field = a.quote !== undefined && !a.lines ? 'quote' : a.linesField ?? 'quote';
  const what = a.lines ? `${linesText(a.lines)} of "${a.transcript}" no longer ${a.lines.start === a.lines.end ? 'holds' : 'hold'}` : `the quote no longer matches`;
  const message = `${what} the text locked for this passage (the transcript has changed)`;
  let hint: string;
  if ('found' in d.outcome) {
    const f = d.outcome.found;
    hint = changesRow(d)
      ? `it is now at ${linesText(d.lines ?? { start: f.startLine, end: f.endLine })} (${howFound(f)}): dtors reanchor moves it there`
      : `its text was edited in place (${howFound(f)}): dtors reanchor (or validate --lock) records the new text`;
  } else hint = `${d.outcome.lost}; check it by hand (dtors reanchor leaves it alone)`;
  return warning('anchor-drift', message, a.at(field), hint);
}

/** Lines-only annotations resolve to whole lines; the segment reanchor's rows will resolve to. */
export function wholeLines(t: Transcript, lines: LineRange): { start: number; end: number } {
  return { start: t.lineStarts[lines.start - 1], end: lineEnd(t, lines.end) };
}
