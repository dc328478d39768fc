/**
 * Cohen's kappa: the published values (SAS via statsmodels, scikit-learn) when the shared fixture is at
 * hand, and small tables worked out by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cohenKappa, cohenKappaTable } from '../../src/agree/kappa.js';

// The published vectors live next to the repository (../shared), which a user's clone does not have.
const FIXTURE = new URL('../../../shared/fixtures/agreement/published_vectors.json', import.meta.url);
const haveFixture = existsSync(FIXTURE);

interface Vectors {
  cohen_kappa: {
    statsmodels_sas_table10: {
      table: number[][];
      expected: { unweighted: number; linear_weights_0_1_2: number; unweighted_ASE: number; unweighted_CI95: [number, number] };
    };
    sklearn_artstein_poesio_table1: { rater1: string; rater2: string; contingency: number[][]; expected: number };
    sklearn_artstein_poesio_table4_multiclass: { rater1: string; rater2: string; expected: number };
  };
}
const vectors: Vectors | undefined = haveFixture ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Vectors) : undefined;

/** Decimals a published number is given to: 0.4842 → 4. */
const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;

/** Expands a Python list expression of the form "[0]*46+[1]*44+[2]*10". */
function expand(expr: string): number[] {
  const parts = expr.split('+').map((p) => /^\s*\[(-?\d+)\]\s*\*\s*(\d+)\s*$/.exec(p));
  if (parts.some((m) => m === null)) throw new Error(`cannot expand ${expr}`);
  return parts.flatMap((m) => new Array<number>(Number(m![2])).fill(Number(m![1])));
}

const publishedTitle = haveFixture
  ? `published values (${FIXTURE.pathname})`
  : `published values: SKIPPED, ${FIXTURE.pathname} is absent (a plain clone has no ../shared)`;

describe.skipIf(!haveFixture)(publishedTitle, () => {
  it('SAS table: unweighted kappa, its ASE and 95% limits', () => {
    const sas = vectors!.cohen_kappa.statsmodels_sas_table10;
    const r = cohenKappaTable(sas.table);
    expect(r.kappa!).toBeCloseTo(sas.expected.unweighted, decimals(sas.expected.unweighted));
    expect(r.ase!).toBeCloseTo(sas.expected.unweighted_ASE, decimals(sas.expected.unweighted_ASE));
    const [low, high] = sas.expected.unweighted_CI95;
    expect(r.ci95![0]).toBeCloseTo(low, decimals(low));
    expect(r.ci95![1]).toBeCloseTo(high, decimals(high));
    expect(r.n).toBe(19);
    expect(r.categories).toEqual([0, 1, 2]);
  });

  it('SAS table: linear weights over 0, 1, 2', () => {
    const sas = vectors!.cohen_kappa.statsmodels_sas_table10;
    const r = cohenKappaTable(sas.table, 'linear');
    expect(r.kappa!).toBeCloseTo(sas.expected.linear_weights_0_1_2, decimals(sas.expected.linear_weights_0_1_2));
    // The same SAS printout (statsmodels' test_inter_rater.py) gives the weighted ASE 0.1457 and the
    // limits 0.1845 and 0.7558; the fixture does not carry them, so they are written here.
    expect(r.ase!).toBeCloseTo(0.1457, 4);
    expect(r.ci95![0]).toBeCloseTo(0.1845, 4);
    expect(r.ci95![1]).toBeCloseTo(0.7558, 4);
  });

  it('scikit-learn, Artstein & Poesio table 1, from the table and from the ratings', () => {
    const t = vectors!.cohen_kappa.sklearn_artstein_poesio_table1;
    expect(cohenKappaTable(t.contingency).kappa!).toBeCloseTo(t.expected, decimals(t.expected));
    const r = cohenKappa(expand(t.rater1), expand(t.rater2));
    expect(r.kappa!).toBeCloseTo(t.expected, decimals(t.expected));
    expect(r.n).toBe(100);
  });

  it('scikit-learn, Artstein & Poesio table 4 (three classes)', () => {
    const t = vectors!.cohen_kappa.sklearn_artstein_poesio_table4_multiclass;
    const a = expand(t.rater1);
    const b = expand(t.rater2);
    expect(a).toHaveLength(100);
    expect(b).toHaveLength(100);
    expect(cohenKappa(a, b).kappa!).toBeCloseTo(t.expected, decimals(t.expected));
  });
});

describe('by hand', () => {
  // Counts [[2, 1, 0], [1, 2, 1], [0, 1, 2]], n = 10; margins (.3, .4, .3) for both coders.
  // p_o = 6/10; p_e = .09 + .16 + .09 = .34; kappa = (.6 − .34)/(1 − .34) = .26/.66 = 13/33.
  // Quadratic d = (i − j)²: observed Σ d p = 4 cells of d = 1 holding 1/10 each = .4; expected
  //   Σ d p_i. p_.j = 4·(.3·.4·1) + 2·(.3·.3·4) = .48 + .72 = 1.2; kappa_w = 1 − .4/1.2 = 2/3.
  // Linear d = |i − j|: observed .4; expected 4·.12 + 2·(.09·2) = .48 + .36 = .84; kappa_w = 1 − .4/.84 = 11/21.
  const table = [
    [2, 1, 0],
    [1, 2, 1],
    [0, 1, 2],
  ];

  it('a 3×3 table, unweighted, linear and quadratic', () => {
    const u = cohenKappaTable(table);
    expect(u.kappa!).toBeCloseTo(13 / 33, 12);
    expect(u.observedAgreement).toBeCloseTo(0.6, 12);
    expect(u.expectedAgreement).toBeCloseTo(0.34, 12);
    expect(cohenKappaTable(table, 'linear').kappa!).toBeCloseTo(11 / 21, 12);
    const q = cohenKappaTable(table, 'quadratic');
    expect(q.kappa!).toBeCloseTo(2 / 3, 12);
    // p_o and p_e stay the unweighted proportions.
    expect(q.observedAgreement).toBeCloseTo(0.6, 12);
    expect(q.ase).toBeGreaterThan(0);
  });

  it('the same table from ratings: weights over values when numbers, over ranks when labels', () => {
    // Rows and columns of `table` as pairs of ratings.
    const pairs: [number, number][] = [];
    table.forEach((row, i) => row.forEach((count, j) => pairs.push(...new Array<[number, number]>(count).fill([i, j]))));
    const a = pairs.map((p) => p[0]);
    const b = pairs.map((p) => p[1]);
    expect(cohenKappa(a, b, 'quadratic').kappa!).toBeCloseTo(2 / 3, 12);
    const label = ['low', 'mid', 'top'];
    const r = cohenKappa(a.map((i) => label[i]), b.map((i) => label[i]), 'quadratic');
    expect(r.kappa!).toBeCloseTo(2 / 3, 12);
    expect(r.categories).toEqual(label);
    // Values 0, 1, 4 instead of 0, 1, 2: quadratic d = 1, 16, 9 for the pairs (0,1), (0,2), (1,2).
    // Observed: two cells at (0,1)/(1,0) with d 1 and two at (1,2)/(2,1) with d 9: (2·1 + 2·9)/10 = 2.
    // Expected: 2·(.12·1) + 2·(.09·16) + 2·(.12·9) = .24 + 2.88 + 2.16 = 5.28; kappa_w = 1 − 2/5.28 = 41/66.
    const spread = [0, 1, 4];
    const s = cohenKappa(a.map((i) => spread[i]), b.map((i) => spread[i]), 'quadratic');
    expect(s.kappa!).toBeCloseTo(41 / 66, 12);
    expect(s.categories).toEqual([0, 1, 4]);
  });

  it('units where either coder is missing are left out', () => {
    const r = cohenKappa(['a', 'b', null, 'a', 'b'], ['a', 'b', 'a', null, 'b']);
    expect(r.n).toBe(3);
    expect(r.kappa).toBe(1);
  });

  it('perfect agreement: kappa 1, ASE 0', () => {
    // p_o = 1, p_e = (1/3)² · 3 = 1/3: kappa = (1 − 1/3)/(1 − 1/3) = 1; the variance's terms cancel.
    const r = cohenKappa(['x', 'y', 'z', 'x', 'y', 'z'], ['x', 'y', 'z', 'x', 'y', 'z']);
    expect(r.kappa).toBeCloseTo(1, 15);
    expect(r.ase).toBeCloseTo(0, 7);
    expect(cohenKappaTable([[5, 0], [0, 5]], 'quadratic').kappa).toBeCloseTo(1, 15);
  });

  it('one category used by both: kappa is undefined, with the reason', () => {
    const r = cohenKappa(['x', 'x', 'x'], ['x', 'x', 'x']);
    expect(r.kappa).toBeNull();
    expect(r.undefinedReason).toBe('both coders used only one category: kappa is undefined');
    expect(r.ase).toBeNull();
    expect(r.ci95).toBeNull();
    expect(r.n).toBe(3);
    expect(cohenKappaTable([[0, 0], [0, 4]], 'linear').undefinedReason).toBe('both coders used only one category: kappa is undefined');
  });

  it('each coder using one, different, category is complete disagreement, kappa 0', () => {
    // p_o = 0, p_e = 1·0 + 0·1 = 0: kappa = 0.
    expect(cohenKappa(['x', 'x'], ['y', 'y']).kappa).toBe(0);
  });

  it('data problems come back as reasons', () => {
    expect(cohenKappa([1, 2], [1]).undefinedReason).toMatch(/different numbers of units/);
    expect(cohenKappa([null, 1], [2, null]).undefinedReason).toMatch(/no unit was rated by both/);
    expect(cohenKappaTable([[1, 2]]).undefinedReason).toMatch(/not square/);
    expect(cohenKappaTable([[1, -2], [0, 1]]).undefinedReason).toMatch(/not a count/);
    expect(cohenKappaTable([[0, 0], [0, 0]]).undefinedReason).toMatch(/no unit was rated by both/);
  });
});
