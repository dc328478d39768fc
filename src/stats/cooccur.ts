/**
 * `dtors stats cooccur`: which sub-themes are coded together. By default, pairs of passages that
 * overlap in a transcript; with `within: 'case'`, cases in which both sub-themes occur. Codes below a
 * sub-theme count as the sub-theme, as in the charts.
 */
import type { Segment } from '../model/types.js';
import type { Scope } from './scope.js';
import type { StatValue, StatView } from './types.js';

export function cooccurView(scope: Scope, within: 'passage' | 'case'): StatView {
  const frame = scope.project.frame;
  const columns = scope.matrices.flatMap((m) => m.columns);
  const at = new Map(columns.map((c, i) => [c.code, i]));
  const n = columns.length;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const col = (s: Segment) => at.get(frame.nodes.get(s.annotation.code)!.column)!;
  if (within === 'case') {
    const perCase = new Map<string, Set<number>>();
    for (const s of scope.segments) {
      const id = scope.caseOf.get(s.transcript.id)!.id;
      const set = perCase.get(id) ?? new Set<number>();
      set.add(col(s));
      perCase.set(id, set);
    }
    for (const set of perCase.values()) for (const i of set) for (const j of set) counts[i][j]++;
  } else {
    const byTranscript = new Map<string, Segment[]>();
    for (const s of scope.segments) {
      counts[col(s)][col(s)]++;
      const list = byTranscript.get(s.transcript.id) ?? [];
      list.push(s);
      byTranscript.set(s.transcript.id, list);
    }
    for (const list of byTranscript.values()) {
      list.sort((a, b) => a.start - b.start || a.end - b.end);
      for (let i = 0; i < list.length; i++) {
        // Sorted by start: only passages that start before this one ends can overlap it.
        for (let j = i + 1; j < list.length && list[j].start < list[i].end; j++) {
          const [a, b] = [col(list[i]), col(list[j])];
          // Two coders coding the same words differently is a matter for `agree`, not co-occurrence.
          if (a === b || !sameCoder(list[i], list[j])) continue;
          counts[a][b]++;
          counts[b][a]++;
        }
      }
    }
  }
  const rows: StatValue[][] = columns.map((c, i) => [c.header, ...counts[i]]);
  const pairs: StatValue[][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (counts[i][j] > 0) pairs.push([columns[i].header, columns[j].header, counts[i][j]]);
  pairs.sort((x, y) => (y[2] as number) - (x[2] as number));
  const unit = within === 'case' ? 'cases' : 'overlapping passage pairs';
  return {
    view: 'cooccur',
    title: within === 'case' ? 'Co-occurrence within cases' : 'Co-occurrence of overlapping passages',
    filters: scope.filters,
    tables: [
      {
        name: 'matrix',
        title: within === 'case' ? 'Cases in which both sub-themes occur' : 'Overlapping passages, sub-theme by sub-theme',
        columns: ['code', ...columns.map((c) => c.code)],
        rows,
        notes: [
          within === 'case'
            ? 'Each cell counts the cases with passages for both sub-themes; the diagonal, the cases with the sub-theme.'
            : 'Each cell counts the pairs of passages by the same coder, one for each sub-theme, that share text; the diagonal, the passages of the sub-theme.',
        ],
      },
      {
        name: 'pairs',
        title: `Strongest pairs (${unit})`,
        columns: ['sub-theme', 'with', unit],
        rows: pairs,
      },
    ],
  };
}

/** Passages by the same coder (a passage without a coder goes with any). */
function sameCoder(x: Segment, y: Segment): boolean {
  const [a, b] = [x.annotation.coder, y.annotation.coder];
  return a === undefined || b === undefined || a === b;
}
