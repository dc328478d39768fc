/**
 * Krippendorff's alpha for reliability data (units × coders, missing values allowed), computed through
 * the coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", for
 * the nominal, ordinal, interval and ratio metrics; and a bootstrap percentile interval for it.
 *
 * Pure functions: nothing is read or written, and data problems (no pairable values, a label where a
 * number is needed, no variation) come back as `alpha: null` with a reason instead of an exception.
 */
import { randomIndex, seeded } from './random.js';

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/** Reliability data: units × coders; null = missing. Values are category labels (strings) or numbers. */
export type Ratings = (string | number | null)[][]; // ratings[unit][coder]

export interface AlphaResult {
  /** Krippendorff's alpha, or null when it is undefined (see `undefinedReason`). */
  alpha: number | null;
  /** Why alpha is null. */
  undefinedReason?: string;
  /** Do, the observed disagreement (0 when alpha is undefined for lack of data). */
  observed: number;
  /** De, the disagreement expected by chance (0 when alpha is undefined for lack of data). */
  expected: number;
  /** n: the number of pairable values (values in units with at least two values). */
  pairable: number;
  /** The number of units with at least two values. */
  units: number;
  /**
   * The distinct pairable values, in the order of the coincidence matrix: for the numeric levels,
   * numbers ascending (numeric strings converted); for nominal, numbers ascending, then strings in
   * natural order (see `compareValues`). Values only found in units with a single value are left out,
   * since they take no part in alpha.
   */
  values: (string | number)[];
}

export interface Interval {
  low: number;
  high: number;
  /** The number of bootstrap resamples drawn (including the skipped ones). */
  samples: number;
  /** The confidence level of the interval, e.g. 0.95. */
  level: number;
}

// ---------------------------------------------------------------------------------------------------
// Ordering of values

/** Compares two strings by Unicode code point (JS `<` compares UTF-16 code units, which misorders astral characters). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  // One is a prefix of the other: the shorter comes first.
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

/**
 * Natural, locale-independent order of labels: runs of ASCII digits compare as (arbitrarily long)
 * integers, everything else by code point, so "item 2" < "item 10" on every machine. Labels that tie
 * this way (e.g. "1" and "01") fall back to plain code-point order, so the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/[0-9]+|[^0-9]+/g) ?? [];
  const pb = b.match(/[0-9]+|[^0-9]+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    const xd = x.charCodeAt(0) <= 0x39 && x.charCodeAt(0) >= 0x30;
    const yd = y.charCodeAt(0) <= 0x39 && y.charCodeAt(0) >= 0x30;
    if (xd && yd) {
      // Compare as integers without Number(), which loses precision past 2^53.
      const xs = x.replace(/^0+(?=.)/, '');
      const ys = y.replace(/^0+(?=.)/, '');
      if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else {
      const c = compareCodePoints(x, y);
      if (c !== 0) return c;
    }
  }
  if (pa.length !== pb.length) return pa.length < pb.length ? -1 : 1;
  return compareCodePoints(a, b);
}

/** The order of values used by alpha and kappa: numbers ascending first, then strings in natural order. */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return naturalCompare(a, b);
}

// A plain decimal number, optionally signed, with an optional exponent. Stricter than Number(), which
// would also accept '', '0x1f', 'Infinity' and whitespace-only strings.
const NUMERIC = /^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$/;

/** The number a value stands for: a finite number itself, or a string that spells a decimal number; else null. */
export function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const x = Number(v);
    return Number.isFinite(x) ? x : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Coincidences

/** One unit's share of the coincidence matrix: entries [c, k, amount] over value indices. */
type UnitCoincidences = [number, number, number][];

/** Reliability data reduced to what alpha needs, or the reason it cannot be computed. */
interface Prepared {
  values: (string | number)[];
  /** The values as numbers, for the numeric levels; null for nominal. */
  numbers: number[] | null;
  /** The coincidences contributed by each unit with at least two values. */
  units: UnitCoincidences[];
  pairable: number;
  /** For each of `units`, its row in the ratings. */
  rows: number[];
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function prepare(ratings: Ratings, level: Level): Prepared | { error: string; pairable: number; units: number } {
  // First pass: keep the non-missing values of each unit, converted for the level, and stop at the
  // first value the level cannot use, naming it so the user can find it.
  const kept: (string | number)[][] = [];
  const rows: number[] = [];
  let pairable = 0;
  let pairableUnits = 0;
  let error: string | undefined;
  for (let u = 0; u < ratings.length; u++) {
    const row = Array.isArray(ratings[u]) ? ratings[u] : [];
    const vals: (string | number)[] = [];
    for (let c = 0; c < row.length; c++) {
      const v: unknown = row[c];
      // undefined too: ragged or sparse rows simply have fewer coders.
      if (v === null || v === undefined) continue;
      if (error === undefined) {
        if (typeof v !== 'string' && typeof v !== 'number') {
          error = `ratings[${u}][${c}] = ${show(v)} is neither a string nor a number`;
        } else if (level === 'nominal') {
          if (typeof v === 'number' && !Number.isFinite(v)) error = `ratings[${u}][${c}] = ${show(v)} is not a finite number`;
          else vals.push(v);
        } else {
          const x = asNumber(v);
          if (x === null) error = `ratings[${u}][${c}] = ${show(v)} is not a number: the ${level} level needs numeric values`;
          else if (level === 'ratio' && x < 0) error = `ratings[${u}][${c}] = ${show(v)} is negative: the ratio level needs values of at least 0`;
          else vals.push(x);
        }
      }
      if (error !== undefined) vals.push(0); // keep counting, for the sizes reported with the error
    }
    if (vals.length >= 2) {
      pairable += vals.length;
      pairableUnits++;
      kept.push(vals);
      rows.push(u);
    }
  }
  if (error !== undefined) return { error, pairable, units: pairableUnits };

  const distinct = new Set<string | number>();
  for (const vals of kept) for (const v of vals) distinct.add(v);
  const values = [...distinct].sort(compareValues);
  const index = new Map(values.map((v, i) => [v, i] as const));
  const units = kept.map((vals) => {
    const counts = new Map<number, number>();
    for (const v of vals) {
      const i = index.get(v)!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    // Each ordered pair of values from different coders adds 1/(m − 1): a value paired with the m − 1
    // others, so every value contributes exactly 1 to its row of the matrix.
    const m = vals.length;
    const entries: UnitCoincidences = [];
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) {
        const pairs = c === k ? nc * (nc - 1) : nc * nk;
        if (pairs > 0) entries.push([c, k, pairs / (m - 1)]);
      }
    }
    return entries;
  });
  return { values, numbers: level === 'nominal' ? null : (values as number[]), units, pairable, rows };
}

/** The squared-difference function δ² for the level; ordinal depends on the value frequencies `n`. */
function metric(level: Level, numbers: number[] | null, n: number[]): (c: number, k: number) => number {
  switch (level) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => (numbers![c] - numbers![k]) ** 2;
    case 'ratio':
      return (c, k) => {
        const s = numbers![c] + numbers![k];
        // Both zero: the same value, no disagreement (and no division by zero).
        return s === 0 ? 0 : ((numbers![c] - numbers![k]) / s) ** 2;
      };
    case 'ordinal': {
      // cum[i] = n_0 + … + n_{i−1}, so Σ_{g=c..k} n_g = cum[k+1] − cum[c]. Only the order of the
      // values matters here, never their size.
      const cum = [0];
      for (const x of n) cum.push(cum[cum.length - 1] + x);
      return (c, k) => {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        return (cum[hi + 1] - cum[lo] - (n[lo] + n[hi]) / 2) ** 2;
      };
    }
  }
}

const NO_PAIRS = 'no pairable values (each unit has at most one value)';
const NO_VARIATION = 'only one value occurs: there is no variation to agree on (alpha is undefined)';

/** Alpha from a coincidence matrix (dense, values × values). */
function fromCoincidences(
  o: number[][],
  level: Level,
  numbers: number[] | null,
): { alpha: number | null; observed: number; expected: number; reason?: string } {
  const size = o.length;
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (n === 0) return { alpha: null, observed: 0, expected: 0, reason: NO_PAIRS };
  const d2 = metric(level, numbers, nc);
  let disagree = 0;
  let chance = 0;
  for (let c = 0; c < size; c++) {
    for (let k = 0; k < size; k++) {
      if (c === k) continue; // δ²(c, c) = 0 for every metric
      const d = d2(c, k);
      disagree += o[c][k] * d;
      chance += nc[c] * nc[k] * d;
    }
  }
  const observed = disagree / n;
  const expected = chance / (n * (n - 1));
  // De = 0 exactly when all pairable values are the same: alpha would be 0/0.
  if (!(expected > 0)) return { alpha: null, observed, expected, reason: NO_VARIATION };
  return { alpha: 1 - observed / expected, observed, expected };
}

function sumUnits(size: number, units: UnitCoincidences[], times?: number[]): number[][] {
  const o = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  units.forEach((entries, u) => {
    const w = times ? times[u] : 1;
    if (w === 0) return;
    for (const [c, k, x] of entries) o[c][k] += w * x;
  });
  return o;
}

/**
 * Krippendorff's alpha for `ratings[unit][coder]` (null = missing) at the given level of measurement.
 *
 * alpha is null, with `undefinedReason`, when no unit has two values, when only one value occurs, or
 * when a value does not suit the level: the ordinal, interval and ratio levels need numbers (numeric
 * strings such as "3" or "2.5" count as numbers), ratio needs them non-negative, and NaN or ±Infinity
 * are never accepted. At the nominal level the number 1 and the string "1" are different categories.
 */
export function krippendorffAlpha(ratings: Ratings, level: Level): AlphaResult {
  const p = prepare(ratings, level);
  if ('error' in p) {
    return { alpha: null, undefinedReason: p.error, observed: 0, expected: 0, pairable: p.pairable, units: p.units, values: [] };
  }
  const base = { pairable: p.pairable, units: p.units.length, values: p.values };
  if (p.units.length === 0) return { alpha: null, undefinedReason: NO_PAIRS, observed: 0, expected: 0, ...base };
  if (p.values.length === 1) return { alpha: null, undefinedReason: NO_VARIATION, observed: 0, expected: 0, ...base };
  const r = fromCoincidences(sumUnits(p.values.length, p.units), level, p.numbers);
  return r.alpha === null
    ? { alpha: null, undefinedReason: r.reason, observed: r.observed, expected: r.expected, ...base }
    : { alpha: r.alpha, observed: r.observed, expected: r.expected, ...base };
}

/** The q-quantile of sorted numbers, interpolating linearly between order statistics (R's type 7). */
function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Bootstrap CI for alpha: resample units with replacement `samples` times (default 2000) with a seeded
 * PRNG (default seed 1), compute alpha on each, take the percentile interval (default confidence 0.95,
 * quantiles interpolated linearly between order statistics); samples where alpha is undefined are
 * skipped and counted in `skipped`.
 *
 * Only units with at least two values are resampled, so every resample has as many pairable units as
 * the data; units with one value take no part in alpha and would only make the resample size random.
 * With `clusters` (a cluster id per row of `ratings`), the units of one cluster are drawn together: for
 * all codes pooled, the codes of one line are not independent judgements, so the line is what is drawn.
 *
 * Returns null when alpha is undefined on the data themselves, when every resample is skipped, or
 * when the options are unusable (`samples` not a positive integer, `confidence` not strictly between
 * 0 and 1).
 */
export function alphaBootstrap(
  ratings: Ratings,
  level: Level,
  opts?: { samples?: number; seed?: number; confidence?: number; clusters?: ArrayLike<number> },
): (Interval & { skipped: number }) | null {
  const samples = opts?.samples ?? 2000;
  const confidence = opts?.confidence ?? 0.95;
  if (!Number.isInteger(samples) || samples < 1) return null;
  if (!(confidence > 0 && confidence < 1)) return null;
  const p = prepare(ratings, level);
  if ('error' in p || p.units.length === 0 || p.values.length < 2) return null;

  const rand = seeded(opts?.seed ?? 1);
  const size = p.values.length;
  // What is drawn: each unit, or each cluster of units (all the codes of one line, say), whose
  // coincidences are summed. Clusters with the same coincidences are one kind of draw: a resample is
  // then how often each kind was drawn, and summing over the few kinds instead of every unit makes the
  // bootstrap of coded data (thousands of lines, mostly 0 and 0) fast. The draws are the same.
  const clusterEntries = new Map<number, Map<string, [number, number, number]>>();
  p.units.forEach((entries, i) => {
    const id = opts?.clusters ? opts.clusters[p.rows[i]] : i;
    const merged = clusterEntries.get(id) ?? new Map<string, [number, number, number]>();
    for (const [c, k, x] of entries) {
      const key = `${c}:${k}`;
      const e = merged.get(key);
      if (e) e[2] += x;
      else merged.set(key, [c, k, x]);
    }
    clusterEntries.set(id, merged);
  });
  const kinds = new Map<string, number>();
  const types: UnitCoincidences[] = [];
  const typeOf = new Int32Array(clusterEntries.size);
  let n = 0;
  for (const merged of clusterEntries.values()) {
    const entries = [...merged.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const key = entries.map((e) => e.join(':')).join(' ');
    let t = kinds.get(key);
    if (t === undefined) {
      kinds.set(key, (t = types.length));
      types.push(entries);
    }
    typeOf[n++] = t;
  }
  const count = typeOf.length;
  const drawn = new Float64Array(types.length);
  const times = new Array<number>(types.length);
  const alphas: number[] = [];
  let skipped = 0;
  for (let s = 0; s < samples; s++) {
    // How often each kind is drawn; summing the kinds' coincidences with these weights is the
    // resample's coincidence matrix. The value order stays that of the full data: values a resample
    // misses have zero frequency and add nothing, even to the ordinal metric.
    drawn.fill(0);
    for (let i = 0; i < count; i++) drawn[typeOf[randomIndex(rand, count)]]++;
    for (let t = 0; t < types.length; t++) times[t] = drawn[t];
    const r = fromCoincidences(sumUnits(size, types, times), level, p.numbers);
    if (r.alpha === null) skipped++;
    else alphas.push(r.alpha);
  }
  if (alphas.length === 0) return null;
  alphas.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { low: quantile(alphas, tail), high: quantile(alphas, 1 - tail), samples, level: confidence, skipped };
}
