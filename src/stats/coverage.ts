/**
 * `dtors stats coverage`: the charting audit. How far each theme's cells are summarised; which cases
 * have no evidence for a theme; and, per transcript, how much of what respondents said carries no code,
 * with the longest uncoded stretches.
 */
import type { CellState } from '../model/matrix.js';
import type { Transcript } from '../model/types.js';
import { lineEnd } from '../project/transcript.js';
import type { Heatmap } from '../render/svg.js';
import { groupsOf } from './presence.js';
import { percent, type Scope } from './scope.js';
import type { StatValue, StatView } from './types.js';

/** Cell states as the audit groups them. */
const GROUP: Record<CellState, 'empty' | 'not summarised' | 'summarised' | 'recorded absence'> = {
  empty: 'empty',
  'not-summarised': 'not summarised',
  summarised: 'summarised',
  'cell-summary': 'summarised',
  'not-discussed': 'recorded absence',
  'not-asked': 'recorded absence',
};
const STATES = ['empty', 'not summarised', 'summarised', 'recorded absence'] as const;

/**
 * Colours that say what a state asks of the analyst (from the colour-blind-safe Okabe–Ito set): empty
 * is quiet, "not summarised" (work to do) stands out in orange, summarised is blue, a recorded absence
 * a pale yellow.
 */
const STATE_COLOURS: Record<(typeof STATES)[number], string> = {
  empty: '#eeeeee',
  'not summarised': '#E69F00',
  summarised: '#0072B2',
  'recorded absence': '#F0E442',
};

/** The view's title, which the report also names its picture by. */
export const COVERAGE_TITLE = 'Coverage';

/** How many uncoded stretches are listed per transcript. */
const STRETCHES = 3;

export function coverageView(scope: Scope): StatView {
  const cells: StatValue[][] = scope.matrices.map((m) => {
    const n = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<(typeof STATES)[number], number>;
    for (const r of m.rows) for (const c of r.cells) n[GROUP[c.state]]++;
    const coded = m.rows.flatMap((r) => r.cells.filter((c) => c.entries.length > 0));
    const summarisedCoded = coded.filter((c) => GROUP[c.state] === 'summarised').length;
    return [`${m.theme.id} ${m.theme.label}`, m.rows.length * m.columns.length, n.empty, n['not summarised'], n.summarised, n['recorded absence'], percent(summarisedCoded, coded.length)];
  });
  const noEvidence: StatValue[][] = scope.matrices.map((m) => {
    const without = m.rows.filter((r) => r.cells.every((c) => c.entries.length === 0));
    return [`${m.theme.id} ${m.theme.label}`, without.length, without.map((r) => r.case).join(', ')];
  });
  const lines = new Map<string, [number, number][]>();
  for (const s of scope.segments) {
    const list = lines.get(s.transcript.id) ?? [];
    list.push([s.startLine, s.endLine]);
    lines.set(s.transcript.id, list);
  }
  const transcripts: StatValue[][] = scope.transcripts.map((t) => {
    const a = uncoded(t, lines.get(t.id) ?? []);
    return [t.id, scope.caseOf.get(t.id)!.id, a.respondent, a.uncoded, percent(a.uncoded, a.respondent), a.stretches.map((s) => `${s.start === s.end ? s.start : `${s.start}-${s.end}`} (${s.lines} ${s.lines === 1 ? 'line' : 'lines'})`).join('; ')];
  });
  return {
    view: 'coverage',
    title: COVERAGE_TITLE,
    filters: scope.filters,
    tables: [
      {
        name: 'cells',
        title: 'Cells by state, per theme',
        columns: ['theme', 'cells', 'empty', 'not summarised', 'summarised', 'recorded absence', '% of coded cells summarised'],
        rows: cells,
        notes: ['A cell is a case × sub-theme. "Not summarised": coded, but some passage has no summary and there is no cell summary. "Summarised" includes cells with a cell summary; "recorded absence" is [not discussed] or [not asked].'],
      },
      {
        name: 'cases',
        title: 'Cases with no evidence for a theme',
        columns: ['theme', 'cases', 'which'],
        rows: noEvidence,
        notes: ['Cases with no coded passage in any of the theme\'s columns (recorded absences are not evidence).'],
      },
      {
        name: 'transcripts',
        title: 'Uncoded respondent talk, per transcript',
        columns: ['transcript', 'case', 'respondent lines', 'uncoded lines', '% uncoded', `longest uncoded stretches (up to ${STRETCHES})`],
        rows: transcripts,
        notes: ['Respondent lines are the non-blank lines of turns that are not the interviewer\'s (lines before the first turn, such as a header, are left out). A line is coded when any passage covers it. A stretch runs from one coded respondent line to the next, and counts its uncoded respondent lines.'],
      },
    ],
    heatmap: coverageHeatmap(scope),
  };
}

/** The picture of `dtors stats coverage --svg` (and of the report): every cell coloured by its state. */
export function coverageHeatmap(scope: Scope): Heatmap {
  return {
    title: 'Charting coverage: cell states',
    subtitle: scope.filters.length ? `Filters: ${scope.filters.join('; ')}` : undefined,
    rowHeader: 'case',
    rows: scope.cases.map((c) => ({ label: c.id, note: scope.chart.attributes.map((a) => c.attributes[a]).filter(Boolean).join(', ') || undefined })),
    groups: groupsOf(scope.matrices),
    cells: scope.cases.map((c, r) =>
      scope.matrices.flatMap((m) => m.rows[r].cells.map((cell, i) => ({ category: GROUP[cell.state], tooltip: `${c.id} · ${m.columns[i].header}: ${GROUP[cell.state]}` }))),
    ),
    legend: { kind: 'categories', title: 'cell', items: STATES.map((s) => ({ key: s, label: s, colour: STATE_COLOURS[s] })) },
  };
}

interface Uncoded {
  respondent: number;
  uncoded: number;
  stretches: { start: number; end: number; lines: number }[];
}

/** Respondent lines of `t`, those no range of `coded` (1-based inclusive lines) covers, and the longest runs of them. */
export function uncoded(t: Transcript, coded: [number, number][]): Uncoded {
  const covered = new Uint8Array(t.lineCount + 2);
  for (const [s, e] of coded) covered.fill(1, s, e + 1);
  let respondent = 0;
  let count = 0;
  const stretches: { start: number; end: number; lines: number }[] = [];
  let run: { start: number; end: number; lines: number } | undefined;
  // Where the next non-blank character is, from the last place looked: lines are visited in order, so
  // one pass over the text answers every "is this line blank?" without slicing the line out.
  const NON_BLANK = /\S/g;
  let next = -1;
  for (let l = 1; l <= t.lineCount; l++) {
    const turn = t.lineTurn[l - 1];
    if (turn < 0 || t.turns[turn].interviewer) continue;
    const start = t.lineStarts[l - 1];
    if (next < start) {
      NON_BLANK.lastIndex = start;
      next = NON_BLANK.exec(t.text)?.index ?? Infinity;
    }
    if (next >= lineEnd(t, l)) continue;
    respondent++;
    if (covered[l]) {
      if (run) stretches.push(run);
      run = undefined;
      continue;
    }
    count++;
    if (run) {
      run.end = l;
      run.lines++;
    } else run = { start: l, end: l, lines: 1 };
  }
  if (run) stretches.push(run);
  stretches.sort((a, b) => b.lines - a.lines || a.start - b.start);
  return { respondent, uncoded: count, stretches: stretches.slice(0, STRETCHES) };
}
