/** `dtors stats presence`: cases × sub-themes, 1 where the case has a coded passage (or, with `count`, how many). */
import type { Column, Matrix } from '../model/matrix.js';
import type { Scope } from './scope.js';
import type { StatValue, StatView } from './types.js';

export function presenceView(scope: Scope, count: boolean): StatView {
  const columns = scope.matrices.flatMap((m) => m.columns.map((c, i) => ({ m, c, i })));
  const attrs = scope.chart.attributes;
  const values = scope.cases.map((_, r) => columns.map(({ m, i }) => passages(m, r, i, count)));
  const rows: StatValue[][] = scope.cases.map((c, r) => [c.id, ...attrs.map((a) => c.attributes[a] ?? ''), ...values[r]]);
  const totals = columns.map((_, k) => values.reduce((n, row) => n + row[k], 0));
  rows.push([count ? 'total passages' : 'cases with it', ...attrs.map(() => null), ...totals]);
  const max = Math.max(1, ...values.flat());
  return {
    view: 'presence',
    title: count ? 'Presence: passages per case and sub-theme' : 'Presence: cases and sub-themes',
    filters: scope.filters,
    tables: [
      {
        name: 'presence',
        title: count ? 'Passages per case and sub-theme' : 'Which cases have each sub-theme',
        columns: ['case', ...attrs, ...columns.map(({ c }) => c.header)],
        rows,
        notes: [count ? 'Each cell counts the coded passages of the case for the sub-theme (codes below it included).' : '1: the case has at least one coded passage for the sub-theme (codes below it included); 0: none. Summaries and recorded absences are not passages.'],
      },
    ],
    heatmap: {
      title: count ? 'Passages per case and sub-theme' : 'Cases and sub-themes',
      subtitle: scope.filters.length ? `Filters: ${scope.filters.join('; ')}` : undefined,
      rowHeader: 'case',
      rows: scope.cases.map((c) => ({ label: c.id, note: attrs.map((a) => c.attributes[a]).filter(Boolean).join(', ') || undefined })),
      groups: groupsOf(scope.matrices),
      cells: values.map((row, r) =>
        row.map((v, k) => ({
          value: v / max,
          text: count ? String(v) : undefined,
          tooltip: `${scope.cases[r].id} · ${columns[k].c.header}: ${v} ${count ? (v === 1 ? 'passage' : 'passages') : v ? '(present)' : '(absent)'}`,
        })),
      ),
      legend: count ? { kind: 'scale', title: 'passages', low: '0', high: String(max) } : { kind: 'scale', title: 'present', low: '0', high: '1' },
    },
  };
}

function passages(m: Matrix, row: number, col: number, count: boolean): number {
  const n = m.rows[row].cells[col].entries.length;
  return count ? n : n > 0 ? 1 : 0;
}

/** The heatmap's column groups: a theme's columns under its label. */
export function groupsOf(matrices: Matrix[]): { label: string; columns: { id: string; label: string }[] }[] {
  return matrices.map((m) => ({ label: `${m.theme.id} ${m.theme.label}`, columns: m.columns.map((c: Column) => ({ id: c.code, label: c.header })) }));
}
