import { relative, sep } from 'node:path';
import { error, pushAll, warning } from '../model/diagnostics.js';
import type { Annotation, Diagnostic, Project, Segment, Transcript } from '../model/types.js';
import { nearest } from '../nlp/distance.js';
import { unknownCode } from '../project/hints.js';
import { lineEnd, lineOf } from '../project/transcript.js';
import { findAll, findWithin, foldText, matchesIgnoringCase, type Folded } from './quote.js';

/**
 * Resolves every annotation to an exact span of its transcript. Annotations that cannot be placed are
 * reported and left out; the rest come back in input order.
 */
export function anchorAll(project: Project): { segments: Segment[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byTranscript = new Map<string, Annotation[]>();
  for (const a of project.annotations) {
    if (!project.frame.nodes.has(a.code)) diagnostics.push(unknownCode(a.code, project.frame, a.at('code')));
    const t = project.transcripts.get(a.transcript);
    if (!t && project.unreadable.has(a.transcript)) continue;
    if (!t) {
      const near = nearest(a.transcript, project.transcripts.keys());
      // H04 → H01 would send the coding to another person's interview: an id that differs only in its
      // numbers is not offered as a correction (P01 → P1, the same number, still is).
      const numbers = (s: string) => (s.match(/\d+/g) ?? []).map(Number).join(',');
      const plausible = near.filter((n) => n.replace(/\d/g, '') !== a.transcript.replace(/\d/g, '') || numbers(n) === numbers(a.transcript));
      const hint = plausible.length
        ? `did you mean "${plausible[0]}"?`
        : `no transcript file is named ${a.transcript}.txt: was it renamed, deleted, or left out of "transcripts" in dtors.yaml?`;
      diagnostics.push(error('unknown-transcript', `unknown transcript "${a.transcript}"`, a.at('transcript'), hint));
      continue;
    }
    let group = byTranscript.get(t.id);
    if (!group) byTranscript.set(t.id, (group = []));
    group.push(a);
  }
  const segments: Segment[] = [];
  // One transcript at a time, so only one folded copy of a transcript is alive at once.
  for (const [id, group] of byTranscript) {
    const t = project.transcripts.get(id)!;
    let folded: Folded | undefined;
    const fold = () => (folded ??= foldText(t.text));
    const placed: Segment[] = [];
    for (const a of group) {
      const s = anchorOne(a, t, fold, diagnostics);
      if (s && project.frame.nodes.has(a.code)) placed.push(s);
    }
    pushAll(diagnostics, duplicates(placed, project.root));
    for (const s of placed) segments.push(s);
  }
  segments.sort((x, y) => x.annotation.index - y.annotation.index);
  pushAll(diagnostics, duplicateIds(project.annotations, project.root));
  return { segments, diagnostics };
}

function anchorOne(a: Annotation, t: Transcript, fold: () => Folded, diagnostics: Diagnostic[]): Segment | undefined {
  if (a.lines && a.lines.end > t.lineCount) {
    diagnostics.push(
      error('lines-out-of-range', `lines ${range(a.lines.start, a.lines.end)} are outside transcript "${t.id}", which has ${t.lineCount} lines`, a.at(a.linesField)),
    );
    return undefined;
  }
  if (a.quote === undefined) {
    const { start, end } = a.lines!;
    const s: Segment = { annotation: a, transcript: t, startLine: start, endLine: end, start: t.lineStarts[start - 1], end: lineEnd(t, end) };
    // Coded lines that hold no words are almost always lines that moved: the transcript was edited.
    if (!/\S/.test(t.text.slice(s.start, s.end))) {
      diagnostics.push(
        warning('blank-passage', `lines ${range(start, end)} of "${t.id}" are blank`, a.at(a.linesField), 'if the transcript was edited after coding, check the line numbers; giving the quote as well keeps a passage on its words'),
      );
    }
    return s;
  }
  if (a.lines) {
    const lo = t.lineStarts[a.lines.start - 1];
    const hi = lineEnd(t, a.lines.end);
    const inside = findWithin(fold(), a.quote, lo, hi);
    if (inside) return segment(a, t, inside);
    const hits = findAll(fold(), a.quote);
    if (hits.length) {
      diagnostics.push(
        error('quote-outside-lines', `the quote is not within lines ${range(a.lines.start, a.lines.end)} of "${t.id}"`, a.at('quote'), `it is at line${hits.length > 1 || where(t, hits[0]).includes('-') ? 's' : ''} ${hits.slice(0, 5).map((h) => where(t, h)).join(', ')}`),
      );
    } else diagnostics.push(notFound(a, t, fold()));
    return undefined;
  }
  const hits = findAll(fold(), a.quote);
  if (hits.length === 0) {
    diagnostics.push(notFound(a, t, fold()));
    return undefined;
  }
  if (hits.length > 1) {
    // "at lines 10 (twice), 14": each line once, with how often the quote is on it.
    const perLine = new Map<string, number>();
    for (const h of hits) perLine.set(where(t, h), (perLine.get(where(t, h)) ?? 0) + 1);
    const lines = [...perLine].slice(0, 5).map(([l, n]) => (n === 1 ? l : `${l} (${n === 2 ? 'twice' : `${n} times`})`));
    diagnostics.push(
      error(
        'quote-ambiguous',
        `the quote occurs ${hits.length} times in "${t.id}" (at ${perLine.size === 1 ? 'line' : 'lines'} ${lines.join(', ')}${perLine.size > 5 ? ', …' : ''})`,
        a.at('quote'),
        // Lines can only choose between occurrences that are on different lines.
        new Set(hits.map((h) => where(t, h))).size === hits.length ? 'add "lines" to say which one is meant, or quote more words' : 'quote more words, so that it occurs once',
      ),
    );
    return undefined;
  }
  return segment(a, t, hits[0]);
}

/** `annotations/amira.csv:12`: a place in another row, named relative to the project. */
function place(root: string, p: { file: string; line: number }): string {
  return `${relative(root, p.file).split(sep).join('/')}:${p.line}`;
}

/** Where a match is, as lines. */
function where(t: Transcript, [start, end]: [number, number]): string {
  return range(lineOf(t, start), lineOf(t, Math.max(start, end - 1)));
}

function segment(a: Annotation, t: Transcript, [start, end]: [number, number]): Segment {
  return { annotation: a, transcript: t, start, end, startLine: lineOf(t, start), endLine: lineOf(t, Math.max(start, end - 1)) };
}

function notFound(a: Annotation, t: Transcript, folded: Folded): Diagnostic {
  const hint = matchesIgnoringCase(folded, a.quote!)
    ? 'the words are there with different capital letters; quotes must match exactly (apart from white space and quote marks)'
    : 'quotes must match the transcript word for word (white space and curly quotes aside); check for typos or edits to the transcript';
  return error('quote-not-found', `the quote is not in transcript "${t.id}"`, a.at('quote'), hint);
}

function range(a: number, b: number): string {
  return a === b ? String(a) : `${a}-${b}`;
}

/**
 * The same passage coded to the same code by the same coder twice is almost always a copy-paste slip.
 * `segments` are one transcript's, in input order.
 */
function duplicates(segments: Segment[], root: string): Diagnostic[] {
  const seen = new Map<string, Segment>();
  const out: Diagnostic[] = [];
  for (const s of segments) {
    const a = s.annotation;
    const key = `${s.start}:${s.end}:${a.code}\u0000${a.coder ?? ''}`;
    const prev = seen.get(key);
    if (prev) {
      const p = prev.annotation.at();
      out.push(warning('duplicate-annotation', `the same passage is coded to ${a.code} twice${a.coder ? ` by ${a.coder}` : ''}`, a.at(), `also at ${place(root, p)}`));
    } else seen.set(key, s);
  }
  return out;
}

function duplicateIds(annotations: Annotation[], root: string): Diagnostic[] {
  const ids = new Map<string, Annotation>();
  const out: Diagnostic[] = [];
  for (const a of annotations) {
    if (a.id === undefined) continue;
    const prev = ids.get(a.id);
    if (prev) {
      const p = prev.at();
      out.push(error('duplicate-annotation-id', `annotation id "${a.id}" is used twice`, a.at('id'), `also at ${place(root, p)}`));
    } else ids.set(a.id, a);
  }
  return out;
}
