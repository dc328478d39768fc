/**
 * Finding a locked passage again in an edited transcript.
 *
 * Both sides are compared as dtors compares quotes (white space and line ends as one space, curly quotes
 * as straight ones; see quote.ts), and with speaker labels taken out, so re-wrapping, CRLF conversion and
 * renamed speakers change nothing. The passage is looked for exactly first; failing that, approximately,
 * with Myers' bit-parallel algorithm for approximate string matching (the `approx-string-match` package,
 * which Hypothesis uses to re-anchor web annotations): the places whose edit distance to the passage is
 * least, allowing at most a fifth of its length. Each candidate is then weighed by how much of the locked
 * context (the text just before and after) still surrounds it. A candidate is taken only when that
 * evidence is clear; otherwise the passage is reported as lost, because a wrong move is worse than none.
 */
import search from 'approx-string-match';
import type { SpeakerConfig, Transcript } from '../model/types.js';
import { editDistance } from '../nlp/distance.js';
import { lineOf } from '../project/transcript.js';
import { CONTEXT } from './lock.js';
import { foldText, type Folded } from './quote.js';

/** The rules a candidate must pass; documented in docs/anchors.md. */
export const RULES = {
  /** Least share of the passage that must be unchanged for an approximate match. */
  similarity: 0.8,
  /** Least similarity of the context before or after (either side suffices). */
  context: 0.5,
  /** A passage at least this long (folded characters) speaks for itself when it is the only match. */
  long: 80,
  /**
   * A few letters match approximately almost anywhere: a shorter passage found only approximately must
   * have its context unchanged on both sides (at least `shortContext` alike), and one shorter than
   * `tiny` is only looked for exactly.
   */
  shortest: 20,
  shortContext: 0.8,
  tiny: 8,
  /** How far ahead the best candidate must score (out of 3) to win over the next. */
  margin: 0.2,
};

/** Folded characters of context compared on each side, at least. */
const WINDOW = 30;

/** Zero-width space: folds to nothing, so a label replaced by it vanishes without moving any offset. */
const HIDE = '\u200b';

/** The text with every speaker label (and timestamp) hidden; same length, same offsets. */
function hideLabels(text: string, t: Transcript, firstLineIsPartial: boolean): string {
  if (!t.turns.length) return text;
  const parts: string[] = [];
  let last = 0;
  for (const turn of t.turns) {
    if (firstLineIsPartial && turn.line === 0) continue;
    const from = t.lineStarts[turn.line];
    parts.push(text.slice(last, from), HIDE.repeat(turn.textStart - from));
    last = turn.textStart;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** A transcript prepared for searching. */
export interface Haystack {
  t: Transcript;
  folded: Folded;
  /** Where each run of GRAM folded characters starts, made on first use (see approximate). */
  grams?: Map<string, number[]>;
}

export function haystack(t: Transcript): Haystack {
  return { t, folded: foldText(hideLabels(t.text, t, false)) };
}

const GRAM = 8;

function gramIndex(h: Haystack): Map<string, number[]> {
  if (h.grams) return h.grams;
  const text = h.folded.text;
  const grams = new Map<string, number[]>();
  for (let i = 0; i + GRAM <= text.length; i++) {
    const g = text.slice(i, i + GRAM);
    const list = grams.get(g);
    if (list) list.push(i);
    else grams.set(g, [i]);
  }
  return (h.grams = grams);
}

/** A piece of locked text as it is compared: folded, labels hidden (on its first line only if that starts a line). */
export function foldFragment(s: string, startsLine: boolean, speakers: SpeakerConfig): string {
  // The turn pattern, tried on each line as buildTranscript tries it, without building a transcript:
  // this runs three times for every drifted passage.
  const pattern = fragmentPattern(speakers);
  const parts: string[] = [];
  let from = 0;
  for (let line = 0; from <= s.length; line++) {
    const nl = s.indexOf('\n', from);
    const end = nl === -1 ? s.length : nl;
    const text = s.slice(from, end);
    const m = (line > 0 || startsLine) && pattern.test(text) ? pattern.exec(text) : null;
    if (m && m.index === 0) {
      let cut = m[0].length;
      while (cut < text.length && (text[cut] === ' ' || text[cut] === '\t')) cut++;
      parts.push(HIDE.repeat(cut), text.slice(cut));
    } else parts.push(text);
    if (nl === -1) break;
    parts.push('\n');
    from = nl + 1;
  }
  return foldText(parts.join('')).text;
}

const patterns = new WeakMap<SpeakerConfig, RegExp>();

function fragmentPattern(speakers: SpeakerConfig): RegExp {
  let p = patterns.get(speakers);
  if (!p) patterns.set(speakers, (p = new RegExp(speakers.pattern.source, speakers.pattern.flags.replace(/[gym]/g, ''))));
  return p;
}

/** What was locked: the TextQuoteSelector, and the line it started on. */
export interface Locked {
  exact: string;
  prefix: string;
  suffix: string;
  line: number;
}

/** The locked passage as compared with a haystack. */
export function lockedText(l: Locked, speakers: SpeakerConfig): string {
  return foldFragment(l.exact, l.prefix === '' || l.prefix.endsWith('\n'), speakers).trim();
}

export interface Found {
  /** UTF-16 offsets in the transcript, end exclusive. */
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  method: 'exact' | 'fuzzy';
  /** Share of the passage's characters unchanged (1 for an exact match). */
  similarity: number;
}

/** Where the passage is now, or why that cannot be said (`ambiguous`: it fits several places equally well). */
export type Outcome = { found: Found } | { lost: string; ambiguous?: boolean };

interface Candidate {
  /** Offsets in the folded text. */
  s: number;
  e: number;
  /** Its first and last characters. */
  ends: string;
  errors: number;
  similarity: number;
  context: number;
  before: number;
  after: number;
  line: number;
}

/**
 * Where `locked` is now in `h`, or why it cannot be said. `expectedLine` is where it would be if the
 * edits above it moved it as they moved its neighbours; it decides only between otherwise equal places.
 */
export function relocate(h: Haystack, locked: Locked, expectedLine: number, speakers: SpeakerConfig, folded?: string): Outcome {
  // `folded`: lockedText(locked), when the caller has it already.
  const q = folded ?? lockedText(locked, speakers);
  if (!q) return { lost: 'the locked text has no words' };
  const before = foldFragment(locked.prefix, false, speakers);
  const after = foldFragment(locked.suffix, false, speakers);
  const hay = h.folded.text;
  let raw: { s: number; e: number; errors: number }[] = [];
  for (let i = hay.indexOf(q); i !== -1 && raw.length < 1000; i = hay.indexOf(q, i + 1)) raw.push({ s: i, e: i + q.length, errors: 0 });
  let method: Found['method'] = 'exact';
  if (!raw.length) {
    method = 'fuzzy';
    if (q.length < RULES.tiny) return { lost: `its text (${q.length} characters) is no longer in the transcript` };
    const k = Math.floor(q.length * (1 - RULES.similarity));
    // Few errors first, which the filter below makes fast; a match found so is the best there is.
    const few = Math.min(k, Math.floor(q.length / 12));
    raw = few > 0 ? approximate(h, hay, q, few) : [];
    if (!raw.length) raw = approximate(h, hay, q, k);
    if (!raw.length) return { lost: `its text is no longer in the transcript (nothing there is even ${Math.round(RULES.similarity * 100)}% alike)` };
    // The search reports only the best places; look again with those hidden for the next best, so that
    // a near-copy elsewhere is weighed instead of overlooked.
    const masked = mask(hay, raw);
    const slack = Math.max(2, Math.ceil(q.length * 0.05));
    raw.push(...approximate(h, masked, q, Math.min(k, raw[0].errors + slack)));
  }
  const weigh = (r: { s: number; e: number; errors: number }): Candidate => {
    // A context cut short by the start or end of the transcript is compared over a full window: a
    // passage locked at the very end (suffix "\n") must not look at home before any line end.
    const bl = locked.prefix.length < CONTEXT ? Math.max(before.length, WINDOW) : before.length;
    const al = locked.suffix.length < CONTEXT ? Math.max(after.length, WINDOW) : after.length;
    const b = similarity(before, hay.slice(Math.max(0, r.s - bl), r.s));
    const a = similarity(after, hay.slice(r.e, r.e + al));
    const line = lineOf(h.t, h.folded.origin(r.s));
    return { ...r, ends: hay[r.s] + hay[r.e - 1], similarity: 1 - r.errors / q.length, context: (a + b) / 2, before: b, after: a, line };
  };
  const candidates = method === 'exact' ? raw.map(weigh) : places(raw.map(weigh), q);
  const score = (c: Candidate) => 2 * c.similarity + c.context;
  candidates.sort((x, y) => score(y) - score(x) || Math.abs(x.line - expectedLine) - Math.abs(y.line - expectedLine) || x.s - y.s);
  const best = candidates[0];
  // A short text matched approximately is believed only where everything around it is as it was.
  const short = method === 'fuzzy' && q.length < RULES.shortest;
  const supported = short
    ? Math.min(best.before, best.after) >= RULES.shortContext
    : Math.max(best.before, best.after) >= RULES.context || (q.length >= RULES.long && best.similarity >= 0.9);
  if (!supported) return { lost: `the likeliest place (line ${best.line}, ${percent(best.similarity)} alike) no longer has the text around it that it had` };
  if (method === 'fuzzy' && !endsAgree(q, hay.slice(best.s, best.e))) {
    return { lost: `its text was changed at its start or end (the likeliest place, line ${best.line}, is ${percent(best.similarity)} alike), so where it begins or ends is not clear` };
  }
  const second = candidates[1];
  if (second && score(best) - score(second) < RULES.margin) {
    // Equal evidence: only a clear difference in where the neighbours say it should be decides.
    const db = Math.abs(best.line - expectedLine);
    const ds = Math.abs(second.line - expectedLine);
    if (!(db <= 3 && ds >= 3 * db + 10)) {
      const n = candidates.filter((c) => score(best) - score(c) < RULES.margin).length;
      return { ambiguous: true, lost: `it fits ${n} places equally well (lines ${candidates.slice(0, Math.min(n, 4)).map((c) => c.line).join(', ')}${n > 4 ? ', …' : ''})` };
    }
  }
  const [fs, fe] = widenToWords(hay, best.s, best.e, q, before, after);
  let start = h.folded.origin(fs);
  let end = h.folded.origin(fe - 1) + 1;
  const text = h.t.text;
  while (start < end && /\s|\u200b/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { found: { start, end, startLine: lineOf(h.t, start), endLine: lineOf(h.t, Math.max(start, end - 1)), method, similarity: best.similarity } };
}

/**
 * A passage cut at word boundaries stays so: a match can stop inside a word whose letters were swapped
 * ("lookig|n" for "looking") or that gained one ("form|m"); it is widened to the whole word (by a few
 * letters at most), at either end where the locked passage began or ended at a word boundary.
 */
function widenToWords(hay: string, s: number, e: number, q: string, before: string, after: string): [number, number] {
  const most = 4;
  if (word(q[q.length - 1]) && !word(after[0]) && word(hay[e - 1])) {
    let x = e;
    while (x < hay.length && word(hay[x]) && x - e < most) x++;
    if (!word(hay[x])) e = x;
  }
  if (word(q[0]) && !word(before[before.length - 1]) && word(hay[s])) {
    let x = s;
    while (x > 0 && word(hay[x - 1]) && s - x < most) x--;
    if (!word(hay[x - 1])) s = x;
  }
  return [s, e];
}

/**
 * One candidate per place: the search reports every end position that is equally good (`weke`, `weke.`
 * for `week.`), so of overlapping matches the one is kept that has fewest errors, then the best context
 * on both sides, then the same first and last character as the passage, then the passage's length.
 */
function places(matches: Candidate[], q: string): Candidate[] {
  const sorted = [...matches].sort((a, b) => a.s - b.s || a.e - b.e);
  const out: Candidate[] = [];
  const rank = (c: Candidate) => [-c.errors, c.context, (c.ends[0] === q[0] ? 1 : 0) + (c.ends[1] === q[q.length - 1] ? 1 : 0) - (c.ends[0] === ' ' ? 1 : 0) - (c.ends[1] === ' ' ? 1 : 0), -Math.abs(c.e - c.s - q.length)];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (last && m.s < last.e) {
      const [x, y] = [rank(m), rank(last)];
      const i = x.findIndex((v, k) => v !== y[k]);
      if (i !== -1 && x[i] > y[i]) out[out.length - 1] = m;
      continue;
    }
    out.push(m);
  }
  return out;
}

/**
 * The places in `hay` within `k` errors of `q` that have the fewest errors, as `search` finds them, but
 * searching only where a match can be. Split into k+1 pieces, a passage with at most k errors keeps at
 * least one piece intact (the pigeonhole filter of Wu & Manber, and Myers), so only the stretches of text
 * around an exact occurrence of some piece are searched. A drifted passage is usually near one place, and
 * the search costs time in proportion to the text it reads: this is many times faster on a long transcript.
 */
function approximate(h: Haystack, hay: string, q: string, k: number): { s: number; e: number; errors: number }[] {
  const find = (text: string, offset: number) => search(text, q, k).map((m) => ({ s: m.start + offset, e: m.end + offset, errors: m.errors }));
  const size = Math.floor(q.length / (k + 1));
  // Pieces shorter than the index's runs cannot be looked up in it (and a few letters occur everywhere).
  if (size < GRAM) return find(hay, 0);
  const grams = gramIndex(h);
  const windows: [number, number][] = [];
  for (let p = 0; p <= k; p++) {
    const piece = q.slice(p * size, (p + 1) * size);
    for (const i of grams.get(piece.slice(0, GRAM)) ?? []) {
      // `hay` may have places masked out since the index was made: the piece must be there in it.
      if (!hay.startsWith(piece, i)) continue;
      windows.push([Math.max(0, i - p * size - k), Math.min(hay.length, i - p * size + q.length + k)]);
      if (windows.length > 2000) return find(hay, 0);
    }
  }
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  const found = merged.flatMap(([a, b]) => find(hay.slice(a, b), a));
  if (!found.length) return [];
  const least = Math.min(...found.map((m) => m.errors));
  return found.filter((m) => m.errors === least);
}

/** A character of a word (for keeping passages cut at word boundaries). */
export function word(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}'-]/u.test(c);
}

/**
 * Whether an approximate match begins and ends as the passage does. Over its whole length a match can
 * be 85% alike and still have swallowed text that is not the passage's at one end (where a part of the
 * passage was deleted, the alignment fills the gap with whatever stands next to it).
 */
function endsAgree(q: string, found: string): boolean {
  const n = Math.min(16, Math.max(4, Math.floor(q.length / 4)));
  return similarity(q.slice(0, n), found.slice(0, n)) >= 0.5 && similarity(q.slice(-n), found.slice(-n)) >= 0.5;
}

function mask(hay: string, spans: { s: number; e: number }[]): string {
  const parts: string[] = [];
  let last = 0;
  for (const { s, e } of spans) {
    parts.push(hay.slice(last, s), '\u0000'.repeat(e - s));
    last = e;
  }
  parts.push(hay.slice(last));
  return parts.join('');
}

/**
 * How alike a locked context and the text now in its place are, 0 to 1. A passage that was at the very
 * start or end of its transcript has no context on that side: still being there counts as agreement,
 * and otherwise that side says nothing (0.5).
 */
function similarity(locked: string, now: string): number {
  if (!locked) return now ? 0.5 : 1;
  if (!now) return 0;
  return 1 - editDistance(locked, now) / Math.max(locked.length, now.length);
}

export function percent(x: number): string {
  return `${Math.floor(x * 100)}%`;
}
