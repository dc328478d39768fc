/**
 * Agreement on coded data: the passages of two or more coders turned into reliability data (units ×
 * coders, per code), and the agreement measures of each code and of all codes together.
 *
 * A unit is a piece of respondent talk in a transcript that at least two coders coded: a line (the
 * default), a character, a turn, or the whole case. For every code (a chart column: codes below a
 * sub-theme count as the sub-theme) each coder's value for a unit is 1 when one of their passages for
 * that code covers it and 0 when none does; a coder who did not code the transcript has no value.
 */
import type { Annotation, Project, Segment, Transcript } from '../model/types.js';
import { lineEnd } from '../project/transcript.js';
import { naturalCompare } from '../project/text.js';
import { krippendorffAlpha, type Ratings } from './alpha.js';
import { cohenKappa } from './kappa.js';
import { union as mergeRanges } from '../stats/words.js';

export type Unit = 'line' | 'char' | 'turn' | 'case';

export interface CodedOptions {
  unit: Unit;
  /** Who coded each passage: its `coder`, or (with --a/--b) the file it came from. */
  coderOf: (a: Annotation) => string | undefined;
}

/** One unit of talk: where it is, and the offsets it covers. */
interface Place {
  transcript: Transcript;
  /** 1-based lines, for references. */
  startLine: number;
  endLine: number;
  start: number;
  end: number;
  /** The case, for --unit case. */
  caseId: string;
}

export interface CodeAgreement {
  code: string;
  label: string;
  /** Units each coder marked with the code, in coder order. */
  marked: number[];
  units: number;
  percent: number | null;
  kappa: number | null;
  alpha: number | null;
  /** Share of the characters any coder gave the code that every coder gave it (pairwise mean for more than two). */
  jaccard: number | null;
  undefinedReason?: string;
}

export interface Disagreement {
  /** Position of the unit among the units (consecutive units merge into one passage). */
  unit: number;
  transcript: string;
  startLine: number;
  endLine: number;
  code: string;
  with: string[];
  without: string[];
}

export interface CodedAgreement {
  coders: string[];
  transcripts: string[];
  unit: Unit;
  units: number;
  codes: CodeAgreement[];
  overall: CodeAgreement;
  disagreements: Disagreement[];
  /** Passages left out because nobody is named as their coder. */
  uncoded: number;
  /** units × coders of every code, for --ratings-out: `transcript:lines code` (made when asked for). */
  ratings: () => { unit: string; values: (number | null)[] }[];
  /** The reliability data of each code, and of all codes pooled (`all`). */
  byCode: Map<string, Ratings>;
}

export function codedAgreement(project: Project, segments: Segment[], o: CodedOptions): CodedAgreement | { problem: string } {
  const coderOf = (s: Segment) => o.coderOf(s.annotation);
  const uncoded = segments.filter((s) => coderOf(s) === undefined).length;
  const coded = segments.filter((s) => coderOf(s) !== undefined);
  const coders = [...new Set(coded.map((s) => coderOf(s)!))].sort(naturalCompare);
  if (coders.length < 2) {
    return { problem: coders.length ? `only one coder (${coders[0]}) coded this project: agreement needs two or more` : 'no passage names its coder: fill the "coder" column, or compare two files with --a and --b' };
  }
  // A transcript counts when at least two coders coded it; the others have no values there.
  const codersOf = new Map<string, Set<string>>();
  for (const s of coded) {
    const set = codersOf.get(s.transcript.id) ?? new Set<string>();
    set.add(coderOf(s)!);
    codersOf.set(s.transcript.id, set);
  }
  const shared = [...codersOf].filter(([, set]) => set.size >= 2).map(([id]) => project.transcripts.get(id)!).sort((a, b) => naturalCompare(a.id, b.id));
  if (!shared.length) return { problem: `no transcript was coded by two of the coders (${coders.join(', ')}): there is nothing to compare` };
  const caseOf = new Map<string, string>();
  for (const c of project.cases) for (const t of c.transcripts) caseOf.set(t, c.id);
  const places = shared.flatMap((t) => units(t, o.unit, caseOf.get(t.id) ?? t.id));
  // Per case, all its units merge into one.
  const grouped = o.unit === 'case' ? mergeCases(places) : places.map((p) => [p]);
  const column = (s: Segment) => project.frame.nodes.get(s.annotation.code)!.column;
  // As in the charts: a theme's general column only where passages are coded to the theme itself.
  const used = new Set(coded.map(column));
  const columns = project.frame.order.filter((id) => {
    const node = project.frame.nodes.get(id)!;
    return node.column === id && (node.depth > 0 || used.has(id) || project.frame.themes.find((t) => t.id === id)!.subthemes.length === 0);
  });
  const byKey = new Map<string, Segment[]>();
  for (const s of coded) {
    if (!codersOf.get(s.transcript.id) || codersOf.get(s.transcript.id)!.size < 2) continue;
    const key = `${s.transcript.id}\u0000${column(s)}\u0000${coderOf(s)}`;
    const list = byKey.get(key) ?? [];
    list.push(s);
    byKey.set(key, list);
  }
  const covers = (g: Place[], code: string, coder: string): boolean =>
    g.some((p) => (byKey.get(`${p.transcript.id}\u0000${code}\u0000${coder}`) ?? []).some((s) => s.start < p.end && p.start < s.end));
  const coderCoded = (g: Place[], coder: string) => g.some((p) => codersOf.get(p.transcript.id)!.has(coder));

  const perCode: CodeAgreement[] = [];
  const pooled: Ratings = [];
  const disagreements: Disagreement[] = [];
  const byCode = new Map<string, Ratings>();
  for (const code of columns) {
    const ratings: Ratings = grouped.map((g) => coders.map((c) => (coderCoded(g, c) ? (covers(g, code, c) ? 1 : 0) : null)));
    byCode.set(code, ratings);
    pooled.push(...ratings);
    perCode.push(measure(project, code, coders, ratings, jaccard(shared, coders, (t, c) => byKey.get(`${t.id}\u0000${code}\u0000${c}`) ?? [])));
    disagreements.push(...differences(grouped, ratings, coders, code));
  }
  const overall = measure(project, 'all', coders, pooled, jaccard(shared, coders, (t, c) => coded.filter((s) => s.transcript === t && coderOf(s) === c)));
  byCode.set('all', pooled);
  const ratings = () => columns.flatMap((code) => grouped.map((g, i) => ({ unit: `${unitName(g, o.unit)} ${code}`, values: byCode.get(code)![i] as (number | null)[] })));
  return { coders, transcripts: shared.map((t) => t.id), unit: o.unit, units: grouped.length, codes: perCode, overall, disagreements: mergeRuns(disagreements), uncoded, ratings, byCode };
}

function measure(project: Project, code: string, coders: string[], ratings: Ratings, jacc: number | null): CodeAgreement {
  const alpha = krippendorffAlpha(ratings, 'nominal');
  const kappa = coders.length === 2 ? cohenKappa(ratings.map((r) => r[0]), ratings.map((r) => r[1])) : undefined;
  const label = code === 'all' ? 'all codes' : project.frame.nodes.get(code)!.label;
  const out: CodeAgreement = {
    code,
    label,
    marked: coders.map((_, c) => ratings.filter((r) => r[c] === 1).length),
    units: ratings.filter((r) => r.filter((v) => v !== null).length >= 2).length,
    percent: percentAgreement(ratings),
    kappa: kappa ? kappa.kappa : null,
    alpha: alpha.alpha,
    jaccard: jacc,
  };
  const reason = alpha.undefinedReason ?? kappa?.undefinedReason;
  if (reason) out.undefinedReason = reason;
  return out;
}

/** Share of pairs of values within units that agree (for two coders: of units on which they agree). */
export function percentAgreement(ratings: Ratings): number | null {
  let pairs = 0;
  let same = 0;
  for (const r of ratings) {
    const v = r.filter((x) => x !== null);
    for (let i = 0; i < v.length; i++) {
      for (let j = i + 1; j < v.length; j++) {
        pairs++;
        if (v[i] === v[j]) same++;
      }
    }
  }
  return pairs ? same / pairs : null;
}

/** Jaccard overlap of the characters each pair of coders gave a code, averaged over pairs; null when nobody gave it any. */
function jaccard(shared: Transcript[], coders: string[], passages: (t: Transcript, coder: string) => Segment[]): number | null {
  const scores: number[] = [];
  for (let i = 0; i < coders.length; i++) {
    for (let j = i + 1; j < coders.length; j++) {
      let inter = 0;
      let union = 0;
      for (const t of shared) {
        const a = mergeRanges(passages(t, coders[i]).map((s): [number, number] => [s.start, s.end]));
        const b = mergeRanges(passages(t, coders[j]).map((s): [number, number] => [s.start, s.end]));
        if (!a.length && !b.length) continue;
        const ink = inkOf(t);
        const both = intersect(a, b);
        const count = (rs: [number, number][]) => rs.reduce((n, [s, e]) => n + ink[e] - ink[s], 0);
        inter += count(both);
        union += count(a) + count(b) - count(both);
      }
      if (union) scores.push(inter / union);
    }
  }
  return scores.length ? scores.reduce((s, x) => s + x, 0) / scores.length : null;
}

const inks = new WeakMap<Transcript, Int32Array>();

/** ink[k]: characters before offset k that are not white space (so a range's count is a difference). */
function inkOf(t: Transcript): Int32Array {
  let ink = inks.get(t);
  if (!ink) {
    ink = new Int32Array(t.text.length + 1);
    for (let k = 0; k < t.text.length; k++) {
      const c = t.text.charCodeAt(k);
      ink[k + 1] = ink[k] + (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 ? 0 : 1);
    }
    inks.set(t, ink);
  }
  return ink;
}

function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i][0], b[j][0]);
    const e = Math.min(a[i][1], b[j][1]);
    if (s < e) out.push([s, e]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/** The units of one transcript: its respondent lines, characters or turns (or the whole of it, for a case). */
function units(t: Transcript, unit: Unit, caseId: string): Place[] {
  const out: Place[] = [];
  const respondentLine = (l: number) => {
    const turn = t.lineTurn[l - 1];
    return turn >= 0 && !t.turns[turn].interviewer && /\S/.test(t.text.slice(t.lineStarts[l - 1], lineEnd(t, l)));
  };
  if (unit === 'turn') {
    t.turns.forEach((turn, i) => {
      if (turn.interviewer) return;
      const last = i + 1 < t.turns.length ? t.turns[i + 1].line : t.lineCount;
      out.push({ transcript: t, startLine: turn.line + 1, endLine: last, start: turn.textStart, end: lineEnd(t, last), caseId });
    });
    return out;
  }
  for (let l = 1; l <= t.lineCount; l++) {
    if (!respondentLine(l)) continue;
    const turn = t.turns[t.lineTurn[l - 1]];
    const start = turn.line === l - 1 ? turn.textStart : t.lineStarts[l - 1];
    const end = lineEnd(t, l);
    if (unit === 'char') {
      for (let k = start; k < end; k++) if (!/\s/.test(t.text[k])) out.push({ transcript: t, startLine: l, endLine: l, start: k, end: k + 1, caseId });
    } else out.push({ transcript: t, startLine: l, endLine: l, start, end, caseId });
  }
  return out;
}

function mergeCases(places: Place[]): Place[][] {
  const byCase = new Map<string, Place[]>();
  for (const p of places) {
    const list = byCase.get(p.caseId) ?? [];
    list.push(p);
    byCase.set(p.caseId, list);
  }
  return [...byCase.values()];
}

function unitName(g: Place[], unit: Unit): string {
  const p = g[0];
  if (unit === 'case') return p.caseId;
  if (unit === 'char') return `${p.transcript.id}:${p.startLine}@${p.start}`;
  return `${p.transcript.id}:${p.startLine === p.endLine ? p.startLine : `${p.startLine}-${p.endLine}`}`;
}

/** Units where the coders' values differ, one row each (runs of lines are merged afterwards). */
function differences(groups: Place[][], ratings: Ratings, coders: string[], code: string): Disagreement[] {
  const out: Disagreement[] = [];
  groups.forEach((g, i) => {
    const r = ratings[i];
    const given = r.filter((v) => v !== null);
    if (given.length < 2 || given.every((v) => v === given[0])) return;
    const first = g[0];
    const last = g[g.length - 1];
    out.push({
      unit: i,
      transcript: first.transcript.id,
      startLine: first.startLine,
      endLine: last.endLine,
      code,
      with: coders.filter((_, c) => r[c] === 1),
      without: coders.filter((_, c) => r[c] === 0),
    });
  });
  return out;
}

/** Consecutive units of one transcript and code on which the same coders differ become one passage. */
function mergeRuns(ds: Disagreement[]): Disagreement[] {
  const out: Disagreement[] = [];
  for (const d of ds) {
    const last = out[out.length - 1];
    if (last && last.transcript === d.transcript && last.code === d.code && last.with.join() === d.with.join() && last.without.join() === d.without.join() && d.unit === last.unit + 1) {
      last.endLine = Math.max(last.endLine, d.endLine);
      last.unit = d.unit;
    } else out.push({ ...d });
  }
  return out;
}
