/**
 * Cohen's kappa for two coders, unweighted or weighted (linear or quadratic disagreement weights), with
 * the large-sample standard error of Fleiss, Cohen & Everitt (1969) as SAS PROC FREQ prints it.
 *
 * Pure functions: data problems (no units rated by both, one category only, a malformed table) come
 * back as `kappa: null` with a reason instead of an exception.
 */
import { compareValues } from './alpha.js';

export type Weights = 'unweighted' | 'linear' | 'quadratic';

export interface KappaResult {
  /** Cohen's kappa (weighted when weights were asked for), or null when undefined (see `undefinedReason`). */
  kappa: number | null;
  /** Why kappa is null. */
  undefinedReason?: string;
  /** p_o: the unweighted proportion of exact agreement, whatever the weights. */
  observedAgreement: number;
  /** p_e: the unweighted proportion of agreement expected by chance, whatever the weights. */
  expectedAgreement: number;
  /** The number of units rated by both coders (the table's total for `cohenKappaTable`). */
  n: number;
  /**
   * The asymptotic (non-null) standard error of kappa, of the weighted kappa too (with the agreement
   * weights 1 − d/max d, as SAS does); null when kappa is null.
   */
  ase: number | null;
  /** kappa ± z₀.₉₇₅·ase, z₀.₉₇₅ = 1.959964 (as SAS prints it; not clipped to [−1, 1]); null when kappa is null. */
  ci95: [number, number] | null;
  /** The categories, in the order of the table's rows and columns. */
  categories: (string | number)[];
}

// The 0.975 quantile of the standard normal; "1.96" rounded would move SAS's limits in the 5th decimal.
const Z975 = 1.959963984540054;

const SINGLE = 'both coders used only one category: kappa is undefined';
const NONE = 'no unit was rated by both coders: kappa is undefined';

function undefinedResult(reason: string, categories: (string | number)[], n = 0, po = 0, pe = 0): KappaResult {
  return { kappa: null, undefinedReason: reason, observedAgreement: po, expectedAgreement: pe, n, ase: null, ci95: null, categories };
}

/**
 * Kappa from a square table of counts whose rows and columns stand for `categories`, placed at
 * `positions` on the scale the weights measure distances on.
 */
function fromCounts(counts: number[][], categories: (string | number)[], positions: number[], weights: Weights): KappaResult {
  const k = counts.length;
  let n = 0;
  for (const row of counts) for (const x of row) n += x;
  if (n === 0) return undefinedResult(NONE, categories);
  const p = counts.map((row) => row.map((x) => x / n));
  const rows = p.map((row) => row.reduce((s, x) => s + x, 0));
  const cols = p[0].map((_, j) => p.reduce((s, row) => s + row[j], 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    po += p[i][i];
    pe += rows[i] * cols[i];
  }
  // p_e = 1 exactly when both coders put everything in the same single category; decided on the counts,
  // since the floating-point p_e can miss 1 by a rounding error.
  const usedRows = counts.map((row, i) => (row.some((x) => x > 0) ? i : -1)).filter((i) => i >= 0);
  const usedCols = counts[0].map((_, j) => (counts.some((row) => row[j] > 0) ? j : -1)).filter((j) => j >= 0);
  if (usedRows.length === 1 && usedCols.length === 1 && usedRows[0] === usedCols[0]) {
    return undefinedResult(SINGLE, categories, n, po, pe);
  }

  // Agreement weights: the identity for unweighted kappa; 1 − d/max d for the disagreement weights d
  // (|i − j| or (i − j)²). Kappa is the same for any scaling of d, and with d scaled to [0, 1] the
  // variance formula below is the one SAS uses (Cicchetti–Allison and Fleiss–Cohen weights).
  const w: number[][] = [];
  if (weights === 'unweighted') {
    for (let i = 0; i < k; i++) w.push(Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  } else {
    const d = positions.map((x) => positions.map((y) => (weights === 'linear' ? Math.abs(x - y) : (x - y) ** 2)));
    const max = Math.max(...d.flat());
    for (let i = 0; i < k; i++) w.push(d[i].map((x) => 1 - x / max));
  }
  let pow = 0;
  let pew = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      pow += w[i][j] * p[i][j];
      pew += w[i][j] * rows[i] * cols[j];
    }
  }
  // = 1 − Σ d_ij p_ij / Σ d_ij p_i. p_.j for the weighted kappa; = (p_o − p_e)/(1 − p_e) unweighted.
  const kappa = (pow - pew) / (1 - pew);

  // Fleiss, Cohen & Everitt (1969), weighted form; with w = identity it is the unweighted formula
  // Σ p_ii (1 − (p_i. + p_.i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)² − (κ − p_e(1 − κ))².
  const wRow = w.map((wi) => wi.reduce((s, x, j) => s + x * cols[j], 0)); // w̄_i. = Σ_j p_.j w_ij
  const wCol = cols.map((_, j) => w.reduce((s, wi, i) => s + wi[j] * rows[i], 0)); // w̄_.j = Σ_i p_i. w_ij
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (p[i][j] === 0) continue;
      sum += p[i][j] * (w[i][j] - (wRow[i] + wCol[j]) * (1 - kappa)) ** 2;
    }
  }
  const variance = (sum - (kappa - pew * (1 - kappa)) ** 2) / ((1 - pew) ** 2 * n);
  // Perfect agreement gives a variance of 0 that rounding can push just below it.
  const ase = Math.sqrt(Math.max(0, variance));
  return {
    kappa,
    observedAgreement: po,
    expectedAgreement: pe,
    n,
    ase,
    ci95: [kappa - Z975 * ase, kappa + Z975 * ase],
    categories,
  };
}

function badWeights(weights: unknown): string | undefined {
  return weights === 'unweighted' || weights === 'linear' || weights === 'quadratic'
    ? undefined
    : `unknown weights ${JSON.stringify(weights)}: use 'unweighted', 'linear' or 'quadratic'`;
}

/**
 * Cohen's kappa for two coders; units where either is null are left out. Categories: the distinct
 * values of both over the units rated by both, ordered as in alpha (numbers ascending, then strings in
 * natural order). Weighted kappa uses disagreement weights |i−j| (linear) or (i−j)² (quadratic) over
 * the category **values** when all are numbers (typeof number), else over their ranks in that order.
 *
 * kappa is null, with a reason, when the lists differ in length, a value is neither a string nor a
 * finite number, no unit is rated by both, or both coders used only one (the same) category.
 */
export function cohenKappa(a: (string | number | null)[], b: (string | number | null)[], weights: Weights = 'unweighted'): KappaResult {
  const bad = badWeights(weights);
  if (bad) return undefinedResult(bad, []);
  if (a.length !== b.length) {
    return undefinedResult(`the coders rated different numbers of units (${a.length} and ${b.length}): pair them unit by unit, with null for a missing rating`, []);
  }
  const pairs: [string | number, string | number][] = [];
  for (let u = 0; u < a.length; u++) {
    const x: unknown = a[u];
    const y: unknown = b[u];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    for (const [v, who] of [[x, 'a'], [y, 'b']] as const) {
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string') {
        return undefinedResult(`${who}[${u}] = ${String(v)} is neither a string nor a finite number`, []);
      }
    }
    pairs.push([x as string | number, y as string | number]);
  }
  const categories = [...new Set(pairs.flat())].sort(compareValues);
  const index = new Map(categories.map((c, i) => [c, i] as const));
  const counts = categories.map(() => new Array<number>(categories.length).fill(0));
  for (const [x, y] of pairs) counts[index.get(x)!][index.get(y)!]++;
  const positions = categories.every((c) => typeof c === 'number') ? (categories as number[]) : categories.map((_, i) => i);
  if (categories.length === 0) return undefinedResult(NONE, categories);
  return fromCounts(counts, categories, positions, weights);
}

/**
 * The same from a contingency table of counts (rows: coder A's categories, columns: coder B's),
 * categories 0..k-1 as values. Give counts, not proportions: `n` is the table's total and the standard
 * error shrinks with it. kappa is null, with a reason, when the table is not square, holds a negative
 * or non-finite cell, sums to 0, or has a single category used by both.
 */
export function cohenKappaTable(table: number[][], weights: Weights = 'unweighted'): KappaResult {
  const bad = badWeights(weights);
  if (bad) return undefinedResult(bad, []);
  const k = table.length;
  const categories = Array.from({ length: k }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const row: unknown = table[i];
    if (!Array.isArray(row) || row.length !== k) {
      return undefinedResult(`the table is not square: row ${i} has ${Array.isArray(row) ? row.length : 'no'} cells, ${k} expected`, categories);
    }
    for (let j = 0; j < k; j++) {
      const x: unknown = row[j];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
        return undefinedResult(`table[${i}][${j}] = ${String(x)} is not a count (a finite number of at least 0)`, categories);
      }
    }
  }
  if (k === 0) return undefinedResult(NONE, categories);
  return fromCounts(table, categories, categories, weights);
}
