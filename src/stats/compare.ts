/**
 * `dtors stats compare --by ATTR`: for every sub-theme, how many cases of each group of ATTR carry it.
 * With two groups, the difference in percentage points and Fisher's exact test, as a description of
 * the sample: qualitative samples are purposive, and a p-value here says how surprising the split
 * would be by chance among these cases, not that it holds in any population.
 */
import { naturalCompare } from '../project/text.js';
import { fisherExact } from './fisher.js';
import { groupsOf } from './presence.js';
import { percent, type Scope } from './scope.js';
import type { StatValue, StatView } from './types.js';

export const NO_VALUE = '(no value)';

export function compareView(scope: Scope, by: string): StatView {
  const groupOf = (c: (typeof scope.cases)[number]) => (c.attributes[by] ?? '').trim() || NO_VALUE;
  const names = [...new Set(scope.cases.map(groupOf))].sort((a, b) => (a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : naturalCompare(a, b)));
  const members = names.map((g) => scope.cases.map((c, r) => (groupOf(c) === g ? r : -1)).filter((r) => r >= 0));
  const columns = scope.matrices.flatMap((m) => m.columns.map((c, i) => ({ m, c, i })));
  const two = names.length === 2;
  const counts = columns.map(({ m, i }) => members.map((rows) => rows.filter((r) => m.rows[r].cells[i].entries.length > 0).length));
  const rows: StatValue[][] = columns.map(({ c }, k) => {
    const shares = counts[k].map((n, g) => percent(n, members[g].length) ?? 0);
    const difference = two ? round1(shares[0] - shares[1]) : names.length > 2 ? round1(Math.max(...shares) - Math.min(...shares)) : null;
    const [k0, k1] = counts[k];
    const p = two ? Number(fisherExact(k0, members[0].length - k0, k1, members[1].length - k1).toPrecision(4)) : null;
    return [c.code, c.label, ...counts[k].flatMap((n, g) => [n, shares[g]]), difference, p];
  });
  const header = ['code', 'sub-theme', ...names.flatMap((g, i) => [`${g} (n=${members[i].length})`, `${g} %`]), two ? `difference (points, ${names[0]} − ${names[1]})` : 'range (points)', 'Fisher p (two-sided)'];
  return {
    view: 'compare',
    title: `Compare cases by ${by}`,
    filters: scope.filters,
    tables: [
      {
        name: 'groups',
        title: `Cases carrying each sub-theme, by ${by}`,
        columns: header,
        rows,
        notes: [
          'For each group, the number of its cases with at least one coded passage for the sub-theme, and their percentage of the group.',
          two
            ? "Fisher's exact test (two-sided) is given as a description of this sample, not as inference: qualitative samples are chosen on purpose and are small, so a low p says the split would be unusual by chance among these cases, nothing about a population."
            : 'With more than two groups the range (highest minus lowest percentage) is shown and no test is made.',
        ],
      },
    ],
    heatmap: {
      title: `Sub-themes by ${by}: % of cases`,
      subtitle: scope.filters.length ? `Filters: ${scope.filters.join('; ')}` : undefined,
      rowHeader: by,
      rows: names.map((g, i) => ({ label: g, note: `n = ${members[i].length}` })),
      groups: groupsOf(scope.matrices),
      cells: names.map((g, gi) =>
        columns.map(({ c }, k) => {
          const share = percent(counts[k][gi], members[gi].length) ?? 0;
          return { value: share / 100, text: `${Math.round(share)}%`, tooltip: `${by} ${g} · ${c.header}: ${counts[k][gi]} of ${members[gi].length} cases (${share}%)` };
        }),
      ),
      legend: { kind: 'scale', title: '% of cases', low: '0%', high: '100%' },
    },
  };
}

function round1(x: number): number {
  const r = Math.round(x * 10) / 10;
  return r === 0 ? 0 : r;
}
