// Realistic, seeded edits to coded transcripts, with the ground truth of where every coded passage
// ("annotation") is afterwards. The benchmark edits a transcript the way researchers do after coding it
// (notes added above a passage, blank lines removed, typos fixed, text re-wrapped, line ends converted,
// speakers renamed, a turn deleted) and checks that dtors moves each passage to where its text now is.
//
//   import { EDIT_KINDS, rng, applyEdit } from './edits.mjs';
//   const { text, truth, changed } = applyEdit('rewrap', original, spans, rng(42));
//
// Every edit is built from one primitive, `replace`, which applies non-overlapping replacements and
// maps the spans through them, so the truth is exact by construction rather than searched for.
// Plain JavaScript, no dependencies; all randomness comes from the `random` function passed in.

import { mulberry32 } from './generate.mjs';

/** Edit kinds, in this order. */
export const EDIT_KINDS = ['insert-above', 'delete-above', 'typo-fix', 'rewrap', 'crlf', 'rename-speakers', 'delete-passage', 'mixed'];

/**
 * A seeded PRNG (mulberry32, as the project generator uses): the same seed always gives the same stream
 * of floats in [0, 1).
 * @param {number} seed any number; only its low 32 bits are used
 * @returns {() => number}
 */
export const rng = mulberry32;

/**
 * @typedef {{start: number, end: number}} Span  UTF-16 offsets [start, end)
 * @typedef {{at: number, remove: number, insert: string}} Replacement  replace text[at, at+remove) by insert
 * @typedef {{text: string, truth: (Span|null)[], changed: number}} EditResult
 */

/**
 * Applies non-overlapping replacements to `text` and maps `spans` through them.
 *
 * Replacements may be given in any order; they are applied as if all at once, against the original
 * offsets. Two replacements overlap (an error) when one starts strictly inside the other's removed
 * region; several pure insertions (remove 0) at one offset are inserted in the order given, before a
 * replacement that removes text from that offset.
 *
 * Mapping rule, for each span [start, end):
 * - a boundary before or after a replaced region shifts by the length change of the replacements
 *   before it; a pure insertion exactly at a boundary stays outside the span (the start moves past
 *   it, the end stays before it);
 * - a start inside (or at the start of) a removed region moves to the start of that replacement's
 *   inserted text;
 * - an end inside (or at the end of) a removed region moves to the end of that replacement's
 *   inserted text;
 * - if the end would fall before the start, it is set to the start;
 * - null when the span lost more than half its characters: a replacement overlapping the span by
 *   `o` characters costs it max(0, o - insert.length) characters (so substituting one letter, or a
 *   space by a line break, costs nothing; deleting a turn costs all of its overlap). Empty spans are
 *   never null.
 *
 * A span counts as touched when a replacement's closed region [at, at+remove] meets the span's
 * closed range [start, end], i.e. an edit inside it or at its edge.
 *
 * @param {string} text
 * @param {Replacement[]} replacements offsets into text
 * @param {Span[]} spans offsets into text
 * @returns {{text: string, truth: (Span|null)[], touched: boolean[]}}
 */
export function replace(text, replacements, spans) {
  const reps = replacements
    .map((r, i) => ({ at: r.at, remove: r.remove, insert: r.insert, i }))
    // By offset; at one offset, pure insertions first, then in the order given.
    .sort((a, b) => a.at - b.at || (a.remove === 0 ? 0 : 1) - (b.remove === 0 ? 0 : 1) || a.i - b.i);
  let prevEnd = 0;
  for (const r of reps) {
    if (!Number.isInteger(r.at) || !Number.isInteger(r.remove) || r.remove < 0 || typeof r.insert !== 'string') {
      throw new Error(`bad replacement ${JSON.stringify(r)}`);
    }
    if (r.at < 0 || r.at + r.remove > text.length) throw new Error(`replacement outside the text: ${JSON.stringify(r)}`);
    if (r.at < prevEnd) throw new Error(`overlapping replacements at ${r.at}`);
    prevEnd = r.at + r.remove;
  }

  // New offsets: newAt[k] is where replacement k's inserted text starts; through[k] the total length
  // change of replacements 0..k.
  const n = reps.length;
  const newAt = new Array(n);
  const through = new Array(n);
  const chunks = [];
  let delta = 0;
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const r = reps[k];
    chunks.push(text.slice(pos, r.at), r.insert);
    pos = r.at + r.remove;
    newAt[k] = r.at + delta;
    delta += r.insert.length - r.remove;
    through[k] = delta;
  }
  chunks.push(text.slice(pos));

  /** Index of the last replacement whose `at` is <= p (inclusive) or < p (strict); -1 if none. */
  const lastAt = (p, inclusive) => {
    let lo = 0;
    let hi = n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (inclusive ? reps[mid].at <= p : reps[mid].at < p) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const mapStart = (p) => {
    const j = lastAt(p, true);
    if (j < 0) return p;
    const r = reps[j];
    if (r.remove > 0 && p < r.at + r.remove) return newAt[j];
    return p + through[j];
  };
  const mapEnd = (p) => {
    const j = lastAt(p, false);
    if (j < 0) return p;
    const r = reps[j];
    if (r.remove > 0 && p <= r.at + r.remove) return newAt[j] + r.insert.length;
    return p + through[j];
  };
  /** First replacement whose region end at+remove is >= p (region ends are non-decreasing). */
  const firstEndingFrom = (p) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (reps[mid].at + reps[mid].remove >= p) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const truth = [];
  const touched = [];
  for (const span of spans) {
    const { start, end } = span;
    let lost = 0;
    let touch = false;
    for (let k = firstEndingFrom(start); k < n && reps[k].at <= end; k++) {
      const r = reps[k];
      touch = true;
      const overlap = Math.min(end, r.at + r.remove) - Math.max(start, r.at);
      if (overlap > 0) lost += Math.max(0, overlap - r.insert.length);
    }
    touched.push(touch);
    const length = end - start;
    if (length > 0 && length - lost < length / 2) {
      truth.push(null);
      continue;
    }
    const s = mapStart(start);
    const e = Math.max(s, mapEnd(end));
    truth.push({ start: s, end: e });
  }
  return { text: chunks.join(''), truth, touched };
}

// ---------------------------------------------------------------------------------------------------
// Helpers over a random stream and over the text's lines and paragraphs.

/** @param {() => number} random */
function helpers(random) {
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
  const pick = (list) => list[Math.floor(random() * list.length)];
  /** A shuffled copy (Fisher-Yates). */
  const shuffle = (list) => {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { random, int, pick, shuffle };
}

/**
 * The text's lines: start offset, end offset (of the content, before the LF) and whether a LF follows.
 * @param {string} text
 * @returns {{start: number, end: number, lf: boolean, blank: boolean}[]}
 */
function lines(text) {
  const out = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    out.push({ start, end, lf: nl >= 0, blank: text.slice(start, end).trim() === '' });
    start = end + 1;
  }
  return out;
}

/**
 * Paragraphs: maximal runs of non-blank lines, as line index ranges [first, last].
 * @param {{blank: boolean}[]} ls
 */
function paragraphs(ls) {
  const out = [];
  for (let i = 0; i < ls.length; i++) {
    if (ls[i].blank) continue;
    let j = i;
    while (j + 1 < ls.length && !ls[j + 1].blank) j++;
    out.push({ first: i, last: j });
    i = j;
  }
  return out;
}

/** A speaker label at a line start, optionally after a `[00:10] ` timestamp: group 2 is the label. */
const LABEL = /^(\[[0-9:.]+\][ \t]*)?([A-Za-z][A-Za-z0-9 ]{0,30}):/;

/**
 * Labels at line starts: offset and text of the label (without the timestamp and colon).
 * @param {string} text
 * @param {{start: number, end: number}} line
 */
function labelAt(text, line) {
  const m = LABEL.exec(text.slice(line.start, line.end));
  if (!m) return null;
  return { at: line.start + (m[1] ? m[1].length : 0), label: m[2] };
}

/** Whether offset p is strictly inside any span. */
const strictlyInside = (p, spans) => spans.some((s) => s.start < p && p < s.end);

// ---------------------------------------------------------------------------------------------------
// The edits. Each returns replacements (offsets into its input text); applyEdit maps the spans.

const NOTES = [
  '[inaudible]',
  '[inaudible 00:12:31]',
  '[crosstalk]',
  '[pause]',
  '[phone rings, recording paused]',
  '[recording resumed]',
  "[Transcriber's note: the participant's partner came into the room briefly.]",
  '[Transcriber: two words unclear here]',
];
const HEADINGS = ['--- Part two ---', 'Section 2: treatment and support', '## Later in the interview', 'Tape 2, side A', 'END OF PART ONE'];
const QUESTIONS = [
  'Can you say a bit more about that?',
  'And how did that feel at the time?',
  'Sorry, can I just go back to something you said earlier?',
  'What happened next?',
  'Was anyone else involved in that?',
  'How long ago was this, roughly?',
];

/** 1-5 plausible new lines, each ending in LF. */
function newLines(h, interviewer) {
  const count = h.int(1, 5);
  const out = [];
  while (out.length < count) {
    const kind = h.int(0, 3);
    if (kind === 0) out.push(h.pick(NOTES));
    else if (kind === 1) out.push('');
    else if (kind === 2) out.push(h.pick(HEADINGS));
    else if (count - out.length >= 2) out.push(`${interviewer}: ${h.pick(QUESTIONS)}`, ''); // a turn and its blank line
  }
  return out.map((l) => l + '\n').join('');
}

/** The label used by the first turn of the text, taken to be the interviewer's; INT if none. */
function firstLabel(text, ls) {
  for (const l of ls) {
    const found = labelAt(text, l);
    if (found) return found.label;
  }
  return 'INT';
}

/** insert-above: 1-5 new lines at 2-4 line starts not strictly inside any span, mostly above spans. */
function insertAbove(text, spans, h) {
  const ls = lines(text);
  const eligible = ls.map((l) => l.start).filter((p) => !strictlyInside(p, spans));
  if (eligible.length === 0) eligible.push(0);
  // Above a passage: the nearest eligible line start at or before each span's start.
  const above = [];
  for (const s of spans) {
    let best = -1;
    for (const p of eligible) if (p <= s.start) best = p;
    if (best >= 0 && !above.includes(best)) above.push(best);
  }
  above.sort((a, b) => a - b);
  const interviewer = firstLabel(text, ls);
  const wanted = h.int(2, 4);
  const chosen = new Set();
  for (let tries = 0; chosen.size < wanted && tries < 50; tries++) {
    const pool = above.length > 0 && h.random() < 0.75 ? above : eligible;
    chosen.add(h.pick(pool));
  }
  return [...chosen].sort((a, b) => a - b).map((at) => ({ at, remove: 0, insert: newLines(h, interviewer) }));
}

/** delete-above: 1-3 whole lines at 2-4 places, lines whose characters (and LF) no span touches. */
function deleteAbove(text, spans, h) {
  const ls = lines(text);
  // A line [start, end] (its LF at end) is free when no span's closed range meets it; a span starting
  // at the next line start is allowed (its start then moves up, its text intact).
  const free = ls.map((l) => l.lf && !spans.some((s) => s.start <= l.end && s.end >= l.start));
  const candidates = free.flatMap((f, i) => (f ? [i] : []));
  const used = new Set();
  const out = [];
  const wanted = h.int(2, 4);
  for (let tries = 0; out.length < wanted && tries < 50 && candidates.length > 0; tries++) {
    const first = h.pick(candidates);
    if (used.has(first) || used.has(first - 1)) continue; // keep places apart (no adjacent regions)
    let last = first;
    const count = h.int(1, 3);
    while (last - first + 1 < count && free[last + 1] && !used.has(last + 1) && !used.has(last + 2)) last++;
    if (used.has(last + 1)) continue;
    for (let i = first; i <= last; i++) used.add(i);
    out.push({ at: ls[first].start, remove: ls[last].end + 1 - ls[first].start, insert: '' });
  }
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * typo-fix: 1-3 one-letter typos in whole words of 4+ letters inside about 40% of the spans (at least
 * 1). A typo never reaches outside its span, but a span overlapping the chosen one may share it.
 */
function typoFix(text, spans, h) {
  if (spans.length === 0) return [];
  const count = Math.max(1, Math.round(spans.length * 0.4));
  // The first `count` spans of a random order; further ones only while no typo could be placed (spans
  // without a whole word of 4+ letters).
  const order = h.shuffle(spans.map((_, i) => i));
  const usedWords = new Set(); // word start offsets, one typo per word across all spans
  const out = [];
  for (let n = 0; n < order.length && (n < count || out.length === 0); n++) {
    const i = order[n];
    const { start, end } = spans[i];
    const words = [];
    const re = /[A-Za-z]{4,}/g;
    const slice = text.slice(start, end);
    // Whole words only (not cut by the span's edges), so a word shared by overlapping spans is one
    // word with one offset and gets at most one typo.
    const letter = /[A-Za-z]/;
    for (let m; (m = re.exec(slice)); ) {
      const at = start + m.index;
      const after = at + m[0].length;
      if (letter.test(text[at - 1] ?? '') || letter.test(text[after] ?? '')) continue;
      words.push({ at, word: m[0] });
    }
    const free = words.filter((w) => !usedWords.has(w.at));
    const typos = Math.min(h.int(1, 3), free.length);
    for (const w of h.shuffle(free).slice(0, typos)) {
      usedWords.add(w.at);
      out.push(typo(w.at, w.word, h));
    }
  }
  return out;
}

/** One typo inside a word, never at its first letter, so the word stays recognisable. */
function typo(at, word, h) {
  const k = h.int(1, word.length - 1); // a letter after the first
  const letter = () => {
    const c = h.pick(LETTERS);
    return word[k] === word[k].toUpperCase() && word[k] !== word[k].toLowerCase() ? c.toUpperCase() : c;
  };
  const op = h.int(0, 3);
  if (op === 0) {
    // substitute
    let c = letter();
    if (c.toLowerCase() === word[k].toLowerCase()) c = c === 'z' || c === 'Z' ? (c === 'z' ? 'a' : 'A') : String.fromCharCode(c.charCodeAt(0) + 1);
    return { at: at + k, remove: 1, insert: c };
  }
  if (op === 1) return { at: at + k, remove: 1, insert: '' }; // delete
  if (op === 2) return { at: at + k, remove: 0, insert: letter() }; // insert before letter k (inside the word)
  // transpose letters k-1 and k when they differ (never the first letter: k-1 >= 1 when possible)
  const j = Math.max(2, k);
  if (j < word.length && word[j - 1] !== word[j]) return { at: at + j - 1, remove: 2, insert: word[j] + word[j - 1] };
  return { at: at + k, remove: 1, insert: '' };
}

/**
 * rewrap: 30-60% of the turns re-wrapped at a width of 50-120 columns, as space/LF swaps at the
 * separators between words. A turn is a paragraph whose first line starts with a speaker label; when
 * the text has none, every paragraph can be re-wrapped. A line that starts with a label inside a
 * paragraph keeps its line break, so turns are never joined.
 */
function rewrap(text, h) {
  const ls = lines(text);
  const paras = paragraphs(ls);
  const turns = paras.filter((p) => labelAt(text, ls[p.first]));
  const pool = turns.length > 0 ? turns : paras;
  if (pool.length === 0) return [];
  const share = 0.3 + 0.3 * h.random();
  const count = Math.max(1, Math.round(pool.length * share));
  const chosen = h.shuffle(pool).slice(0, count).sort((a, b) => a.first - b.first);
  const out = [];
  for (const p of chosen) {
    const width = h.int(50, 120);
    const from = ls[p.first].start;
    const to = ls[p.last].end;
    const body = text.slice(from, to);
    // Leading whitespace of the first line stays; then words and the separators between them.
    const re = /\S+/g;
    const words = [];
    for (let m; (m = re.exec(body)); ) words.push({ at: from + m.index, end: from + m.index + m[0].length });
    let column = words.length > 0 ? words[0].end - from : 0;
    for (let w = 1; w < words.length; w++) {
      const sepAt = words[w - 1].end;
      const sep = text.slice(sepAt, words[w].at);
      const lineStart = sep.includes('\n');
      const forced = lineStart && LABEL.test(text.slice(words[w].at, words[w].at + 50));
      const length = words[w].end - words[w].at;
      let want;
      if (forced || column + 1 + length > width) {
        want = '\n';
        column = length;
      } else {
        want = ' ';
        column += 1 + length;
      }
      const keep = want === '\n' ? sep === '\n' : !lineStart;
      if (!keep) out.push({ at: sepAt, remove: sep.length, insert: want });
    }
  }
  return out;
}

/** crlf: a CR before every LF that has none. */
function crlf(text) {
  const out = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i === 0 || text[i - 1] !== '\r') out.push({ at: i, remove: 0, insert: '\r' });
  }
  return out;
}

const INTERVIEWER_NAMES = ['Interviewer', 'INTERVIEWER', 'I', 'IV', 'Int', 'Researcher'];
const PARTICIPANT_NAMES = ['Participant', 'PARTICIPANT', 'P', 'Respondent', 'R', 'Resp'];
const OTHER_NAMES = ['Speaker', 'Voice', 'Other', 'Person'];

/**
 * rename-speakers: a consistent, one-to-one renaming of the labels that start paragraphs, applied to
 * every line that starts with one of them. Only the label text before the colon changes.
 */
function renameSpeakers(text, h) {
  const ls = lines(text);
  const found = [];
  for (const p of paragraphs(ls)) {
    const l = labelAt(text, ls[p.first]);
    if (l && !found.includes(l.label)) found.push(l.label);
  }
  const taken = new Set(found);
  const mapping = new Map();
  for (const label of found) {
    const key = label.toUpperCase();
    let options;
    if (/^(INT|I|IV|INTERVIEWER|RESEARCHER)$/.test(key)) options = INTERVIEWER_NAMES;
    else if (/^(RESP|R|P|PARTICIPANT|RESPONDENT)$/.test(key)) options = PARTICIPANT_NAMES;
    else {
      const upper = label.toUpperCase();
      const other = label[0].toUpperCase() + label.slice(1).toLowerCase();
      options = [upper !== label ? upper : other, ...OTHER_NAMES.map((w) => `${w} ${found.indexOf(label) + 1}`)];
    }
    let name = null;
    for (const option of h.shuffle(options)) {
      if (option !== label && !taken.has(option)) {
        name = option;
        break;
      }
    }
    if (name === null) {
      for (let k = 2; name === null; k++) if (!taken.has(`${label} ${k}`)) name = `${label} ${k}`;
    }
    taken.add(name);
    mapping.set(label, name);
  }
  const out = [];
  for (const l of ls) {
    const found = labelAt(text, l);
    if (found && mapping.has(found.label)) out.push({ at: found.at, remove: found.label.length, insert: mapping.get(found.label) });
  }
  return out;
}

/**
 * delete-passage: one or two whole turns (a paragraph and the blank lines after it; for the last
 * paragraph, the blank lines before it) that contain a span start, preferring paragraphs that hold
 * more than half of such a span so that at least one span is deleted.
 */
function deletePassage(text, spans, h) {
  const ls = lines(text);
  const paras = paragraphs(ls);
  const regions = paras.map((p, k) => {
    if (k + 1 < paras.length) return { from: ls[p.first].start, to: ls[paras[k + 1].first].start };
    const from = k > 0 ? ls[paras[k - 1].last].end + 1 : 0;
    return { from: Math.min(from, ls[p.first].start), to: text.length };
  });
  const starts = (k) => spans.filter((s) => s.start >= ls[paras[k].first].start && s.start <= ls[paras[k].last].end);
  const holds = (k) =>
    starts(k).some((s) => 2 * (Math.min(s.end, regions[k].to) - Math.max(s.start, regions[k].from)) > s.end - s.start);
  const withStart = paras.map((_, k) => k).filter((k) => starts(k).length > 0);
  const best = withStart.filter(holds);
  const pool = best.length > 0 ? best : withStart;
  if (pool.length === 0) return [];
  const chosen = h.shuffle(pool).slice(0, h.random() < 0.5 ? 1 : 2);
  // Merge overlapping regions (the last paragraph's region reaches back into the previous one's).
  const merged = [];
  for (const r of chosen.map((k) => regions[k]).sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged.map((r) => ({ at: r.from, remove: r.to - r.from, insert: '' }));
}

/**
 * One edit step over the spans that still exist: nulls stay null, the rest are mapped.
 * @returns {{text: string, truth: (Span|null)[], touched: boolean[]}}
 */
function step(kind, text, spans, h) {
  const live = [];
  spans.forEach((s, i) => s && live.push(i));
  const liveSpans = live.map((i) => spans[i]);
  let reps;
  if (kind === 'insert-above') reps = insertAbove(text, liveSpans, h);
  else if (kind === 'delete-above') reps = deleteAbove(text, liveSpans, h);
  else if (kind === 'typo-fix') reps = typoFix(text, liveSpans, h);
  else if (kind === 'rewrap') reps = rewrap(text, h);
  else if (kind === 'crlf') reps = crlf(text);
  else if (kind === 'rename-speakers') reps = renameSpeakers(text, h);
  else if (kind === 'delete-passage') reps = deletePassage(text, liveSpans, h);
  else throw new Error(`unknown edit kind: ${kind}`);
  const result = replace(text, reps, liveSpans);
  const truth = spans.map(() => null);
  const touched = spans.map(() => false);
  live.forEach((i, k) => {
    // CRLF: the truth is in LF-normalised offsets, so the spans do not move.
    truth[i] = kind === 'crlf' ? { ...spans[i] } : result.truth[k];
    touched[i] = result.touched[k];
  });
  return { text: result.text, truth, touched };
}

/**
 * Applies one seeded, realistic edit to a transcript and reports where every span's passage is now.
 *
 * - `insert-above`: 1-5 new lines (notes such as "[inaudible]", blank lines, headings, an extra
 *   interviewer question) at 2-4 line starts that are not strictly inside any span, mostly the nearest
 *   such line start above a span.
 * - `delete-above`: 1-3 whole lines at 2-4 places, only lines that no span overlaps or touches.
 * - `typo-fix`: 1-3 one-letter typos (substitute, delete, insert, transpose; never the first letter)
 *   in words of 4+ letters inside about 40% of the spans (at least one).
 * - `rewrap`: 30-60% of the turns re-wrapped at a random width of 50-120 (space/LF swaps only).
 * - `crlf`: every LF becomes CRLF; the truth equals the spans.
 * - `rename-speakers`: every speaker label renamed consistently (only the text before the colon).
 * - `delete-passage`: one or two whole turns containing a span start deleted; some spans become null.
 * - `mixed`: insert-above, typo-fix, rewrap, rename-speakers and crlf in sequence, truths composed
 *   (a span null after one step stays null; the half-lost test is made per step).
 *
 * @param {string} kind one of EDIT_KINDS
 * @param {string} text the transcript, LF line ends
 * @param {Span[]} spans annotated spans, UTF-16 offsets [start, end) into text (may overlap)
 * @param {() => number} random from rng(seed)
 * @returns {EditResult} text: the edited transcript (CRLF line ends only for 'crlf' and 'mixed');
 *   truth[i]: where spans[i]'s passage now is, as offsets into the edited text after normalising its
 *   line ends to LF, or null when more than half of it was deleted; changed: how many spans an edit
 *   touched inside or at their edge.
 */
export function applyEdit(kind, text, spans, random) {
  if (!EDIT_KINDS.includes(kind)) throw new Error(`unknown edit kind: ${kind}`);
  for (const s of spans) {
    if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length)) {
      throw new Error(`bad span ${JSON.stringify(s)} for a text of ${text.length} characters`);
    }
  }
  const h = helpers(random);
  const kinds = kind === 'mixed' ? ['insert-above', 'typo-fix', 'rewrap', 'rename-speakers', 'crlf'] : [kind];
  let current = { text, truth: spans.map((s) => ({ start: s.start, end: s.end })), touched: spans.map(() => false) };
  for (const k of kinds) {
    const next = step(k, current.text, current.truth, h);
    current = { text: next.text, truth: next.truth, touched: current.touched.map((t, i) => t || next.touched[i]) };
  }
  return { text: current.text, truth: current.truth, changed: current.touched.filter(Boolean).length };
}
