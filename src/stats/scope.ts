/**
 * What a `dtors stats` run looks at: the cases its filters keep, their transcripts, and the coded
 * passages in them (of the chosen themes and coders), with the charts built from them, so that every
 * view counts the same things the charts show.
 */
import { buildMatrices, type ChartOptions } from '../chart/chart.js';
import type { Matrix } from '../model/matrix.js';
import type { Case, Project, Segment, Transcript } from '../model/types.js';

export interface StatsOptions {
  /** Keep cases whose attribute has one of the values (as chart --where). */
  where: [string, string[]][];
  /** Theme ids; all when absent. */
  themes?: string[];
  /** Coders whose passages count; all when absent. */
  coders?: string[];
}

export interface Scope {
  project: Project;
  /** One per theme: rows are the kept cases, in the charts' order. */
  matrices: Matrix[];
  cases: Case[];
  /** The kept cases' transcripts, case by case. */
  transcripts: Transcript[];
  /** Passages in those transcripts, of the chosen themes and coders, in input order. */
  segments: Segment[];
  caseOf: Map<string, Case>;
  /** The filters in words, for titles. */
  filters: string[];
  /** The chart options the matrices were built with (attribute columns among them). */
  chart: ChartOptions;
}

export function makeScope(project: Project, segments: Segment[], o: StatsOptions): Scope {
  const sort = project.chart.sort ?? [];
  const chart: ChartOptions = {
    sort,
    attributes: project.chart.attributes ?? sort,
    quotes: 'none',
    interviewer: true,
    themes: o.themes,
    where: o.where,
    coders: o.coders,
    verbatim: false,
  };
  const matrices = buildMatrices(project, segments, chart);
  // The charts' rows are the kept cases, in order (a frame without themes has none to chart).
  const byId = new Map(project.cases.map((c) => [c.id, c]));
  const cases = (matrices[0]?.rows ?? []).map((r) => byId.get(r.case)!);
  const caseOf = new Map<string, Case>();
  const transcripts: Transcript[] = [];
  for (const c of cases) {
    for (const id of c.transcripts) {
      const t = project.transcripts.get(id);
      if (!t) continue;
      caseOf.set(id, c);
      transcripts.push(t);
    }
  }
  const themes = o.themes ? new Set(o.themes) : undefined;
  const coders = o.coders ? new Set(o.coders) : undefined;
  const chosen = segments.filter((s) => {
    const node = project.frame.nodes.get(s.annotation.code);
    return node && caseOf.has(s.transcript.id) && (!themes || themes.has(node.theme)) && (!coders || coders.has(s.annotation.coder ?? ''));
  });
  const filters = [
    ...o.where.map(([k, vs]) => `${k} = ${vs.join(' or ')}`),
    ...(o.themes ? [`theme ${o.themes.join(', ')}`] : []),
    ...(o.coders ? [`coder ${o.coders.join(', ')}`] : []),
  ];
  return { project, matrices, cases, transcripts, segments: chosen, caseOf, filters, chart };
}

/** A share as a percentage with one decimal (66.7), or null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}
