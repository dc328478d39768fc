/**
 * Words of a transcript, for the share of talk a code covers. A word is a run of letters or digits
 * (with inner apostrophes and hyphens: "don't", "twenty-one"). Speaker labels are not talk and are not
 * counted; a word is the respondent's when its line belongs to a turn that is not the interviewer's.
 */
import type { Transcript } from '../model/types.js';
import { floorIndex } from '../project/text.js';

export interface WordIndex {
  /** UTF-16 offset where each word starts, ascending. */
  starts: number[];
  /** respondentBefore[i]: respondent words among the first i. */
  respondentBefore: Int32Array;
}

const WORD = /[\p{L}\p{N}]+(?:['\u2019-][\p{L}\p{N}]+)*/gu;

export function wordIndex(t: Transcript): WordIndex {
  const starts: number[] = [];
  const respondent: boolean[] = [];
  for (let l = 0; l < t.lineCount; l++) {
    const turn = t.lineTurn[l];
    const lineStart = t.lineStarts[l];
    const end = l + 1 < t.lineStarts.length ? t.lineStarts[l + 1] - 1 : t.text.length;
    // A turn's first line holds its label: its words start after it.
    const from = turn >= 0 && t.turns[turn].line === l ? t.turns[turn].textStart : lineStart;
    const byRespondent = turn >= 0 && !t.turns[turn].interviewer;
    const text = t.text.slice(from, end);
    for (const m of text.matchAll(WORD)) {
      starts.push(from + m.index!);
      respondent.push(byRespondent);
    }
  }
  const respondentBefore = new Int32Array(starts.length + 1);
  for (let i = 0; i < starts.length; i++) respondentBefore[i + 1] = respondentBefore[i] + (respondent[i] ? 1 : 0);
  return { starts, respondentBefore };
}

/** Words (all, and the respondent's) that start within the union of `ranges` (UTF-16, end exclusive). */
export function wordsIn(w: WordIndex, ranges: [number, number][]): { words: number; respondent: number } {
  let words = 0;
  let respondent = 0;
  for (const [s, e] of union(ranges)) {
    const i = lowerBound(w.starts, s);
    const j = lowerBound(w.starts, e);
    words += j - i;
    respondent += w.respondentBefore[j] - w.respondentBefore[i];
  }
  return { words, respondent };
}

export function respondentWords(w: WordIndex): number {
  return w.respondentBefore[w.starts.length];
}

/** Overlapping or touching ranges merged, in order. */
export function union(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Index of the first element ≥ x. */
function lowerBound(sorted: number[], x: number): number {
  if (!sorted.length || sorted[sorted.length - 1] < x) return sorted.length;
  const i = floorIndex(sorted, x);
  return sorted[i] >= x ? i : i + 1;
}
