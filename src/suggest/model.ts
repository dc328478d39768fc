/**
 * Code suggestions from two sources, each transparent about why it suggests what it does.
 *
 * - **keywords**: the frame's `keywords`, found as search finds words (by stem; a keyword of several
 *   words as a phrase). The score is the number of different keywords found; the words are those keywords.
 * - **model**: a nearest-centroid (Rocchio) classifier over TF-IDF vectors of word stems, trained on the
 *   analyst's own coded passages. Each code's centroid is the mean of its passages' normalised vectors;
 *   a passage's score for a code is the cosine of its vector with that centroid; the words shown are the
 *   stems that contributed most to it. No randomness, no external model: the same coding gives the same
 *   suggestions, and the computation can be followed by hand.
 */
import { stem, termMatcher } from '../nlp/words.js';
import { isStopword } from '../nlp/stopwords.js';
import type { Frame } from '../model/types.js';
import type { DocIndex } from '../search/index.js';

/** Vocabulary word → feature (its stem), or -1 for words that carry no topic (stopwords, one letter, numbers). */
export interface Features {
  of: Int32Array;
  stems: string[];
}

export function features(vocabulary: string[]): Features {
  const of = new Int32Array(vocabulary.length).fill(-1);
  const ids = new Map<string, number>();
  const stems: string[] = [];
  vocabulary.forEach((w, i) => {
    if (w.length < 2 || isStopword(w) || !/\p{L}/u.test(w)) return;
    const s = stem(w);
    let id = ids.get(s);
    if (id === undefined) {
      id = stems.length;
      stems.push(s);
      ids.set(s, id);
    }
    of[i] = id;
  });
  return { of, stems };
}

/** Term counts of the words [lo, hi) of a transcript. */
export function bagOf(doc: DocIndex, lo: number, hi: number, f: Features): Map<number, number> {
  const bag = new Map<number, number>();
  for (let k = lo; k < hi; k++) {
    const id = f.of[doc.words[k]];
    if (id >= 0) bag.set(id, (bag.get(id) ?? 0) + 1);
  }
  return bag;
}

export interface Model {
  codes: string[];
  /** Inverse document frequency of each feature over the training passages. */
  idf: Float32Array;
  /** Centroids, feature-major: `centroids[feature * codes.length + code]`, each code's column of unit length. */
  centroids: Float32Array;
  stems: string[];
}

/** A passage's TF-IDF vector, (1 + ln tf) × idf, of unit length. */
function vector(bag: Map<number, number>, idf: Float32Array): [number[], number[]] {
  const ids: number[] = [];
  const ws: number[] = [];
  let norm = 0;
  for (const [id, tf] of bag) {
    const w = (1 + Math.log(tf)) * idf[id];
    if (w <= 0) continue;
    ids.push(id);
    ws.push(w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  return [ids, ws.map((w) => w / norm)];
}

export function train(examples: { bag: Map<number, number>; code: string }[], f: Features): Model {
  const codes = [...new Set(examples.map((e) => e.code))].sort();
  const codeIndex = new Map(codes.map((c, i) => [c, i]));
  const n = f.stems.length;
  const df = new Float64Array(n);
  for (const e of examples) for (const id of e.bag.keys()) df[id]++;
  const idf = new Float32Array(n);
  for (let i = 0; i < n; i++) idf[i] = df[i] ? Math.log((examples.length + 1) / (df[i] + 1)) + 1 : 0;
  const centroids = new Float32Array(n * codes.length);
  for (const e of examples) {
    const c = codeIndex.get(e.code)!;
    const [ids, ws] = vector(e.bag, idf);
    ids.forEach((id, j) => (centroids[id * codes.length + c] += ws[j]));
  }
  // Unit length per code, so a code with many passages does not outscore one with few.
  for (let c = 0; c < codes.length; c++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += centroids[i * codes.length + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) centroids[i * codes.length + c] /= norm;
  }
  return { codes, idf, centroids, stems: f.stems };
}

export interface Suggestion {
  code: string;
  score: number;
  words: string[];
}

/** The codes whose centroid is at least `minScore` alike, best first, at most `top`. */
export function predict(model: Model, bag: Map<number, number>, top: number, minScore: number): Suggestion[] {
  const k = model.codes.length;
  if (!k) return [];
  const [ids, ws] = vector(bag, model.idf);
  const scores = new Float64Array(k);
  for (let j = 0; j < ids.length; j++) {
    const row = ids[j] * k;
    const w = ws[j];
    for (let c = 0; c < k; c++) scores[c] += w * model.centroids[row + c];
  }
  const ranked: number[] = [];
  for (let c = 0; c < k; c++) if (scores[c] >= minScore) ranked.push(c);
  ranked.sort((a, b) => scores[b] - scores[a] || (model.codes[a] < model.codes[b] ? -1 : 1));
  return ranked.slice(0, top).map((c) => {
    // The words that pulled the passage towards this code the most.
    const parts = ids.map((id, j) => ({ id, v: ws[j] * model.centroids[id * k + c] })).filter((x) => x.v > 0);
    parts.sort((a, b) => b.v - a.v || a.id - b.id);
    return { code: model.codes[c], score: Math.round(scores[c] * 1000) / 1000, words: parts.slice(0, 4).map((x) => model.stems[x.id]) };
  });
}

/** Each code's keywords, as word tables over the vocabulary (a keyword of several words, one per word). */
export interface KeywordSet {
  code: string;
  keywords: { text: string; words: Uint8Array[] }[];
}

export function keywordSets(frame: Frame, vocabulary: string[]): KeywordSet[] {
  const out: KeywordSet[] = [];
  for (const id of frame.order) {
    const node = frame.nodes.get(id)!;
    if (!node.keywords.length) continue;
    out.push({
      code: id,
      keywords: node.keywords.map((k) => ({
        text: k,
        words: (k.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*\*?/gu) ?? []).map((w) => {
          const test = termMatcher(w);
          return Uint8Array.from(vocabulary, (v) => (test(v) ? 1 : 0));
        }),
      })),
    });
  }
  return out;
}

/** Codes whose keywords occur in the words [lo, hi), with the keywords found (the score is their number). */
export function keywordHits(doc: DocIndex, lo: number, hi: number, sets: KeywordSet[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const set of sets) {
    const found: string[] = [];
    for (const kw of set.keywords) {
      if (!kw.words.length) continue;
      const n = kw.words.length;
      for (let k = lo; k + n <= hi; k++) {
        let all = true;
        for (let j = 0; j < n && all; j++) all = kw.words[j][doc.words[k + j]] === 1;
        if (all) {
          found.push(kw.text);
          break;
        }
      }
    }
    if (found.length) out.push({ code: set.code, score: found.length, words: found });
  }
  return out.sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1));
}
