/**
 * Suggestions for the respondent text no passage is coded to, and the cross-validation that says how
 * far to trust them. Pure: the project, its segments and the word index in; rows and tables out.
 */
import { knownStems } from '../nlp/words.js';
import type { Project, Segment } from '../model/types.js';
import { floorIndex } from '../project/text.js';
import type { DocIndex, SearchIndex } from '../search/index.js';
import { segmentsByTranscript, unitsOf, wordRange, type Unit } from '../search/search.js';
import { bagOf, features, keywordHits, keywordSets, predict, train, type Features, type Model, type Suggestion } from './model.js';

export interface SuggestOptions {
  /** Transcripts to suggest for, in order. */
  transcripts: string[];
  /** At most this many model suggestions per passage. */
  top: number;
  /** The least cosine similarity for a model suggestion. */
  minScore: number;
  /** Which sources to use. */
  sources: { keywords: boolean; model: boolean };
}

export interface SuggestedRow {
  transcript: string;
  case?: string;
  speaker?: string;
  startLine: number;
  endLine: number;
  code: string;
  keywords?: Suggestion;
  model?: Suggestion;
  /** The start of the passage, for reading. */
  excerpt: string;
}

/** The respondent's turns of each transcript, speaker labels left out. */
function respondentUnits(project: Project, id: string): Unit[] {
  return unitsOf(project.transcripts.get(id)!, { respondentOnly: true }, [], project.frame);
}

/** Training examples: each coded passage's respondent words, labelled with its code. */
function examples(project: Project, index: SearchIndex, segments: Segment[], f: Features, keep: (s: Segment) => boolean): { bag: Map<number, number>; code: string }[] {
  const unitsByTranscript = new Map<string, Unit[]>();
  const out: { bag: Map<number, number>; code: string }[] = [];
  for (const s of segments) {
    if (!keep(s)) continue;
    const doc = index.docs.get(s.transcript.id);
    if (!doc) continue;
    let units = unitsByTranscript.get(s.transcript.id);
    if (!units) unitsByTranscript.set(s.transcript.id, (units = respondentUnits(project, s.transcript.id)));
    const bag = new Map<number, number>();
    for (const u of units) {
      if (u.end <= s.start || u.start >= s.end) continue;
      const [lo, hi] = wordRange(doc, { start: Math.max(u.start, s.start), end: Math.min(u.end, s.end) });
      for (const [id, n] of bagOf(doc, lo, hi, f)) bag.set(id, (bag.get(id) ?? 0) + n);
    }
    if (bag.size) out.push({ bag, code: s.annotation.code });
  }
  return out;
}

export function suggest(project: Project, segments: Segment[], index: SearchIndex, opts: SuggestOptions): SuggestedRow[] {
  knownStems(index.vocabulary, index.stems);
  const f = features(index.vocabulary);
  const model = opts.sources.model ? train(examples(project, index, segments, f, () => true), f) : undefined;
  const sets = opts.sources.keywords ? keywordSets(project.frame, index.vocabulary) : [];
  const caseOf = new Map<string, string>();
  for (const c of project.cases) for (const t of c.transcripts) caseOf.set(t, c.id);
  const byTranscript = segmentsByTranscript(segments);
  const rows: SuggestedRow[] = [];
  for (const id of opts.transcripts) {
    const t = project.transcripts.get(id);
    const doc = index.docs.get(id);
    if (!t || !doc) continue;
    for (const u of unitsOf(t, { respondentOnly: true, uncoded: true }, byTranscript.get(id) ?? [], project.frame)) {
      const [lo, hi] = wordRange(doc, u);
      if (hi - lo < 3) continue;
      const byCode = new Map<string, { keywords?: Suggestion; model?: Suggestion }>();
      for (const k of keywordHits(doc, lo, hi, sets)) byCode.set(k.code, { keywords: k });
      if (model) {
        for (const m of predict(model, bagOf(doc, lo, hi, f), opts.top, opts.minScore)) {
          byCode.set(m.code, { ...byCode.get(m.code), model: { ...m, words: m.words.map((w) => surface(doc, lo, hi, f, index.vocabulary, w)) } });
        }
      }
      const startLine = floorIndex(t.lineStarts, u.start) + 1;
      const endLine = floorIndex(t.lineStarts, Math.max(u.start, u.end - 1)) + 1;
      const excerpt = t.text.slice(u.start, u.end).replace(/\s+/g, ' ').trim();
      const ranked = [...byCode].sort(([a, x], [b, y]) => score(y) - score(x) || (a < b ? -1 : 1));
      for (const [code, s] of ranked) {
        rows.push({ transcript: id, case: caseOf.get(id), speaker: u.speaker, startLine, endLine, code, ...s, excerpt: excerpt.length > 120 ? `${excerpt.slice(0, 117).replace(/\s\S*$/, '')} …` : excerpt });
      }
    }
  }
  return rows;
}

/** Ranks a code's suggestion: the model's similarity, raised when keywords agree. */
function score(s: { keywords?: Suggestion; model?: Suggestion }): number {
  return (s.model?.score ?? 0) + (s.keywords ? 0.1 * s.keywords.score : 0);
}

/** The word of the passage a stem came from (`titration`, not `titrat`), for reading. */
function surface(doc: DocIndex, lo: number, hi: number, f: Features, vocabulary: string[], stemText: string): string {
  for (let k = lo; k < hi; k++) {
    const id = f.of[doc.words[k]];
    if (id >= 0 && f.stems[id] === stemText) return vocabulary[doc.words[k]];
  }
  return stemText;
}

export interface CodeScore {
  code: string;
  /** Units the analysts coded to it (at the level of chart columns). */
  support: number;
  keywords?: { precision: number | null; recall: number | null; f1: number | null };
  model: { precision: number | null; recall: number | null; f1: number | null };
}

export interface Evaluation {
  folds: number;
  units: number;
  codes: CodeScore[];
  overall: CodeScore;
}

/**
 * k-fold cross-validation on the existing coding, folds by case (a case's interviews are all in one
 * fold, so the model is never tested on an interview whose other half it learnt from). The units are
 * respondent turns of coded transcripts; a turn's true codes are those of the passages that overlap it.
 * Both the truth and the suggestions are compared as chart columns (codes below a sub-theme count as
 * the sub-theme). The model of each fold is trained on the other folds' passages only.
 */
export function evaluate(project: Project, segments: Segment[], index: SearchIndex, opts: { folds: number; top: number; minScore: number; cases?: Set<string> }): Evaluation {
  knownStems(index.vocabulary, index.stems);
  const f = features(index.vocabulary);
  const sets = keywordSets(project.frame, index.vocabulary);
  const column = (code: string) => project.frame.nodes.get(code)?.column ?? code;
  const coded = new Set(segments.map((s) => s.transcript.id));
  // Only the cases asked for (--where) are folded, trained on and tested.
  const cases = project.cases.filter((c) => (!opts.cases || opts.cases.has(c.id)) && c.transcripts.some((t) => coded.has(t)));
  const kept = new Set(cases.flatMap((c) => c.transcripts));
  const scoped = segments.filter((s) => kept.has(s.transcript.id));
  const folds = Math.max(2, Math.min(opts.folds, cases.length));
  const foldOf = new Map<string, number>();
  cases.forEach((c, i) => c.transcripts.forEach((t) => foldOf.set(t, i % folds)));
  const counts = new Map<string, { support: number; kw: [number, number, number]; m: [number, number, number] }>();
  const tally = (code: string) => {
    let c = counts.get(code);
    if (!c) counts.set(code, (c = { support: 0, kw: [0, 0, 0], m: [0, 0, 0] }));
    return c;
  };
  let units = 0;
  const byTranscript = segmentsByTranscript(scoped);
  for (let fold = 0; fold < folds; fold++) {
    const model: Model = train(examples(project, index, scoped, f, (s) => foldOf.get(s.transcript.id) !== fold), f);
    for (const [id, list] of byTranscript) {
      if (foldOf.get(id) !== fold) continue;
      const doc = index.docs.get(id);
      if (!doc) continue;
      for (const u of respondentUnits(project, id)) {
        const [lo, hi] = wordRange(doc, u);
        if (hi - lo < 3) continue;
        units++;
        const truth = new Set(list.filter((s) => s.start < u.end && s.end > u.start).map((s) => column(s.annotation.code)));
        const byModel = new Set(predict(model, bagOf(doc, lo, hi, f), opts.top, opts.minScore).map((s) => column(s.code)));
        const byKeywords = new Set(keywordHits(doc, lo, hi, sets).map((s) => column(s.code)));
        for (const c of truth) tally(c).support++;
        mark(truth, byModel, (c, i) => tally(c).m[i]++);
        mark(truth, byKeywords, (c, i) => tally(c).kw[i]++);
      }
    }
  }
  const withKeywords = new Set(sets.map((s) => column(s.code)));
  const rate = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);
  const scores = ([tp, fp, fn]: [number, number, number]) => {
    const precision = rate(tp, tp + fp);
    const recall = rate(tp, tp + fn);
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? Math.round(((2 * precision * recall) / (precision + recall)) * 1000) / 1000 : null;
    return { precision, recall, f1 };
  };
  const order = new Map(project.frame.order.map((id, i) => [id, i]));
  const codes = [...counts]
    .sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || (a < b ? -1 : 1))
    .map(([code, c]) => ({ code, support: c.support, keywords: withKeywords.has(code) ? scores(c.kw) : undefined, model: scores(c.m) }));
  const sum = (pick: (c: { kw: [number, number, number]; m: [number, number, number] }) => [number, number, number]) =>
    [...counts.values()].reduce((acc, c) => acc.map((v, i) => v + pick(c)[i]) as [number, number, number], [0, 0, 0] as [number, number, number]);
  const overall: CodeScore = {
    code: 'all (micro-average)',
    support: [...counts.values()].reduce((n, c) => n + c.support, 0),
    keywords: withKeywords.size ? scores(sum((c) => c.kw)) : undefined,
    model: scores(sum((c) => c.m)),
  };
  return { folds, units, codes, overall };
}

/** Counts true positives (0), false positives (1) and false negatives (2) per code. */
function mark(truth: Set<string>, predicted: Set<string>, add: (code: string, i: 0 | 1 | 2) => void): void {
  for (const c of predicted) add(c, truth.has(c) ? 0 : 1);
  for (const c of truth) if (!predicted.has(c)) add(c, 2);
}

