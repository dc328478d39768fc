/**
 * Quote matching that forgives what copying text out of a transcript changes: runs of white space and
 * line breaks count as one space, curly quotes equal straight ones, and invisible characters (zero-width
 * spaces, soft hyphens, BOMs) are ignored. Everything else must match exactly.
 */

import { floorIndex } from '../project/text.js';

/** What a UTF-16 unit folds to: a space, nothing (invisible), or a plain quote mark. */
const SPACE = -1;
const DROP = -2;

function classify(c: number): number {
  if (c < 0x80) {
    if (c === 32 || (c >= 9 && c <= 13)) return SPACE;
    return c === 0x60 ? 0x27 : c;
  }
  switch (c) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return SPACE;
    case 0xad:
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0x2060:
    case 0xfeff:
      return DROP;
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x2032:
    case 0xb4:
      return 0x27; // '
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2033:
    case 0xab:
    case 0xbb:
      return 0x22; // "
  }
  return c >= 0x2000 && c <= 0x200a ? SPACE : c;
}

/** A text folded for matching, and the way back from a folded offset to the original. */
export interface Folded {
  text: string;
  /** UTF-16 offset in the original of folded character `i` (or of the end, for `text.length`). */
  origin(i: number): number;
  /** The folded offset of original offset `o` (of the next folded character, if `o` was dropped). */
  folded(o: number): number;
}

/** Every character that does not fold to itself (see classify), and two spaces in a row. */
const FOLDS = /[\t-\r`\x85\xa0\xab\xad\xb4\xbb\u1680\u2000-\u200d\u2018-\u201f\u2028\u2029\u202f\u2032\u2033\u205f\u2060\u3000\ufeff]|  /g;

/**
 * Folds a whole transcript. Most of a text folds to itself, so the regular expression engine finds the
 * few places that do not (line ends, blank lines, double spaces, curly quotes, invisible characters)
 * and the text between them is copied as it is: a text of plain ASCII stays a one-byte string, which
 * is also quicker to search. Instead of an offset per character only the places where the length
 * changed are recorded, and an offset maps across by adding or taking away what was dropped before it.
 */
export function foldText(original: string): Folded {
  const n = original.length;
  const parts: string[] = [];
  // One entry per run whose length changed (plus a sentinel): where the run starts and ends in the
  // original, where its output ends in the folded text, and how many characters were dropped so far.
  const starts: number[] = [0];
  const from: number[] = [0];
  const at: number[] = [0];
  const dropped: number[] = [0];
  const runStart: number[] = [0]; // where the run's output (a space, or nothing) starts in the folded text
  let last = 0; // the original is folded up to here
  let len = 0; // the folded text's length so far
  const folds = new RegExp(FOLDS.source, 'g');
  for (let m = folds.exec(original); m !== null; m = folds.exec(original)) {
    let i = m.index;
    const k = classify(original.charCodeAt(i));
    if (k >= 0) {
      // A quote mark or a backtick: one character for one.
      parts.push(original.slice(last, i), String.fromCharCode(k));
      len += i - last + 1;
      last = i + 1;
      continue;
    }
    // A run of space and invisible characters: one space if it has any space, else nothing. It starts
    // at the single space before it, if there is one (two would have been found as a run already).
    if (i > last && original.charCodeAt(i - 1) === 32) i--;
    let j = i;
    let space = false;
    for (; j < n; j++) {
      const kj = classify(original.charCodeAt(j));
      if (kj === SPACE) space = true;
      else if (kj !== DROP) break;
    }
    parts.push(original.slice(last, i));
    len += i - last;
    const out = len;
    if (space) {
      parts.push(' ');
      len++;
    }
    const kept = space ? 1 : 0;
    if (j - i !== kept) {
      starts.push(i);
      runStart.push(out);
      at.push(len);
      from.push(j);
      dropped.push(dropped[dropped.length - 1] + (j - i - kept));
    }
    last = j;
    folds.lastIndex = j;
  }
  parts.push(original.slice(last));
  const text = parts.join('');
  return {
    text,
    origin: (f) => f + dropped[floorIndex(at, f)],
    folded: (o) => {
      const k = floorIndex(starts, o);
      // Every character of a run that shrank maps to the run's output (its space, or what follows).
      return o < from[k] ? runStart[k] : o - dropped[k];
    },
  };
}

/** The quote as it is matched: folded, with leading and trailing space dropped. */
export function foldQuote(quote: string): string {
  return foldText(quote).text.trim();
}

/** Every match of `quote` in the folded text, as [start, end) offsets into the original text. */
export function findAll(folded: Folded, quote: string): [number, number][] {
  const q = foldQuote(quote);
  const hits: [number, number][] = [];
  if (!q) return hits;
  for (let i = folded.text.indexOf(q); i !== -1; i = folded.text.indexOf(q, i + 1)) hits.push(span(folded, i, q.length));
  return hits;
}

/** The first match of `quote` within original offsets [lo, hi), or undefined. */
export function findWithin(folded: Folded, quote: string, lo: number, hi: number): [number, number] | undefined {
  const q = foldQuote(quote);
  if (!q) return undefined;
  for (let i = folded.text.indexOf(q, folded.folded(lo)); i !== -1; i = folded.text.indexOf(q, i + 1)) {
    const hit = span(folded, i, q.length);
    if (hit[0] >= hi) return undefined;
    if (hit[0] >= lo && hit[1] <= hi) return hit;
  }
  return undefined;
}

function span(folded: Folded, i: number, length: number): [number, number] {
  return [folded.origin(i), folded.origin(i + length - 1) + 1];
}

/** Whether the quote would match if upper and lower case were not told apart (for a hint only). */
export function matchesIgnoringCase(folded: Folded, quote: string): boolean {
  const q = foldQuote(quote).toLowerCase();
  return q !== '' && folded.text.toLowerCase().includes(q);
}
