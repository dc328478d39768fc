/**
 * Krippendorff's alpha: the published values (Krippendorff 2011, NLTK) when the shared fixture is at
 * hand, small cases worked out by hand, and the bootstrap interval's determinism.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alphaBootstrap, compareValues, krippendorffAlpha, naturalCompare, type Level, type Ratings } from '../../src/agree/alpha.js';
import { seeded } from '../../src/agree/random.js';

// The published vectors live next to the repository (../shared), which a user's clone does not have.
const FIXTURE = new URL('../../../shared/fixtures/agreement/published_vectors.json', import.meta.url);
const haveFixture = existsSync(FIXTURE);

interface Vectors {
  krippendorff_alpha: {
    krippendorff2011_4coders_12units: {
      data_rows_coders_x_units: (number | null)[][];
      expected: Record<Level | 'nominal_nltk_exact', number>;
    };
    nltk_dress_easy: { triples_coder_item_label: [string, string, string][]; expected: { nominal: number } };
  };
}
const vectors: Vectors | undefined = haveFixture ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Vectors) : undefined;

/** Decimals a published number is given to: 0.743 → 3, -0.3333333 → 7. */
const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;

/** Coders × units (as published) to units × coders (as krippendorffAlpha takes them). */
const transpose = (rows: (number | null)[][]): Ratings => rows[0].map((_, u) => rows.map((r) => r[u]));

/** (coder, item, label) triples to units × coders, items and coders in order of first appearance. */
function fromTriples(triples: [string, string, string][]): Ratings {
  const coders = [...new Set(triples.map((t) => t[0]))];
  const items = [...new Set(triples.map((t) => t[1]))];
  const ratings: Ratings = items.map(() => coders.map(() => null));
  for (const [c, i, label] of triples) ratings[items.indexOf(i)][coders.indexOf(c)] = label;
  return ratings;
}

const publishedTitle = haveFixture
  ? `published values (${FIXTURE.pathname})`
  : `published values: SKIPPED, ${FIXTURE.pathname} is absent (a plain clone has no ../shared)`;

describe.skipIf(!haveFixture)(publishedTitle, () => {
  const k2011 = vectors?.krippendorff_alpha.krippendorff2011_4coders_12units;
  const data = k2011 ? transpose(k2011.data_rows_coders_x_units) : [];

  it.each(['nominal', 'ordinal', 'interval', 'ratio'] as const)('Krippendorff (2011), 4 coders × 12 units, %s', (level) => {
    const expected = k2011!.expected[level];
    const r = krippendorffAlpha(data, level);
    expect(r.alpha).not.toBeNull();
    expect(r.alpha!).toBeCloseTo(expected, decimals(expected));
    // Unit 12 has a single value: 11 units, 40 pairable values (the fixture's note).
    expect(r.units).toBe(11);
    expect(r.pairable).toBe(40);
    expect(r.values).toEqual([1, 2, 3, 4, 5]);
  });

  it('Krippendorff (2011) nominal, to the digits NLTK checks', () => {
    const expected = k2011!.expected.nominal_nltk_exact;
    expect(krippendorffAlpha(data, 'nominal').alpha!).toBeCloseTo(expected, 10);
  });

  it("NLTK's dress data (string labels, nominal)", () => {
    const d = vectors!.krippendorff_alpha.nltk_dress_easy;
    const r = krippendorffAlpha(fromTriples(d.triples_coder_item_label), 'nominal');
    expect(r.alpha!).toBeCloseTo(d.expected.nominal, decimals(d.expected.nominal));
    expect(r.values).toEqual(['NO', 'YES']);
    // dress3 has one value only.
    expect(r.units).toBe(2);
    expect(r.pairable).toBe(5);
  });

  it('the bootstrap interval contains the point estimate, at every level', () => {
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      const point = krippendorffAlpha(data, level).alpha!;
      const ci = alphaBootstrap(data, level)!;
      expect(ci).not.toBeNull();
      expect(ci.samples).toBe(2000);
      expect(ci.level).toBe(0.95);
      expect(ci.low).toBeLessThanOrEqual(point);
      expect(ci.high).toBeGreaterThanOrEqual(point);
      expect(ci.high).toBeLessThanOrEqual(1);
    }
  });
});

describe('by hand', () => {
  it('perfect agreement: alpha 1 at every level', () => {
    // Do = 0 (every pair of values agrees), De > 0 (three different values): alpha = 1 − 0/De = 1.
    const data: Ratings = [
      [1, 1, null],
      [2, 2, 2],
      [3, null, 3],
    ];
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      const r = krippendorffAlpha(data, level);
      expect(r.alpha).toBe(1);
      expect(r.observed).toBe(0);
      expect(r.expected).toBeGreaterThan(0);
    }
  });

  it('string labels, nominal: 4/9', () => {
    // Units (a, a), (a, b), (b, b): each value pairs with the one other value of its unit (1/(2−1) = 1).
    // o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = n_b = 3, n = 6.
    // Do = (o_ab + o_ba)/n = 2/6 = 1/3; De = (n_a n_b + n_b n_a)/(n(n−1)) = 18/30 = 3/5;
    // alpha = 1 − (1/3)/(3/5) = 1 − 5/9 = 4/9.
    const r = krippendorffAlpha(
      [
        ['a', 'a'],
        ['a', 'b'],
        ['b', 'b'],
      ],
      'nominal',
    );
    expect(r.alpha!).toBeCloseTo(4 / 9, 12);
    expect(r.observed).toBeCloseTo(1 / 3, 12);
    expect(r.expected).toBeCloseTo(3 / 5, 12);
    expect(r.values).toEqual(['a', 'b']);
  });

  it('three values in a unit weigh each pair by 1/(m − 1)', () => {
    // Unit (x, x, y): m = 3, each ordered pair adds 1/2: o_xx = 2·1/2 = 1, o_xy = o_yx = 2·1/2 = 1.
    // Unit (y, y): o_yy += 2. So n_x = 2, n_y = 3, n = 5.
    // Do = 2/5; De = 2·2·3/(5·4) = 12/20 = 3/5; alpha = 1 − (2/5)/(3/5) = 1/3.
    const r = krippendorffAlpha(
      [
        ['x', 'x', 'y'],
        ['y', 'y', null],
      ],
      'nominal',
    );
    expect(r.alpha!).toBeCloseTo(1 / 3, 12);
    expect(r.pairable).toBe(5);
  });

  it('interval and ratio on a small numeric case', () => {
    // Units (1, 2) and (3, 3): o_12 = o_21 = 1, o_33 = 2; n_1 = n_2 = 1, n_3 = 2, n = 4.
    // interval: Do = 2·(1−2)²/4 = 1/2; De = 2·[1·1·1 + 1·2·4 + 1·2·1]/(4·3) = 2·11/12 = 11/6;
    //   alpha = 1 − (1/2)/(11/6) = 1 − 3/11 = 8/11.
    // ratio: δ²(1,2) = (1/3)² = 1/9, δ²(1,3) = (2/4)² = 1/4, δ²(2,3) = (1/5)² = 1/25;
    //   Do = 2·(1/9)/4 = 1/18; De = 2·[1/9 + 2·1/4 + 2·1/25]/12 = (1/9 + 1/2 + 2/25)/6;
    //   alpha = 1 − (1/18)/De.
    const data: Ratings = [
      [1, 2],
      [3, 3],
    ];
    expect(krippendorffAlpha(data, 'interval').alpha!).toBeCloseTo(8 / 11, 12);
    const de = (1 / 9 + 1 / 2 + 2 / 25) / 6;
    expect(krippendorffAlpha(data, 'ratio').alpha!).toBeCloseTo(1 - 1 / 18 / de, 12);
    // ordinal: n = (1, 1, 2) over 1 < 2 < 3. δ²(1,2) = (1+1 − 1)² = 1; δ²(1,3) = (1+1+2 − 1.5)² = 6.25;
    //   δ²(2,3) = (1+2 − 1.5)² = 2.25. Do = 2·1/4 = 1/2; De = 2·[1·1·1 + 1·2·6.25 + 1·2·2.25]/12 = 18/6 = 3;
    //   alpha = 1 − (1/2)/3 = 5/6.
    expect(krippendorffAlpha(data, 'ordinal').alpha!).toBeCloseTo(5 / 6, 12);
  });

  it('a single value everywhere: alpha is undefined, with the reason', () => {
    const r = krippendorffAlpha(
      [
        ['a', 'a'],
        ['a', null],
        [null, 'a'],
      ],
      'nominal',
    );
    expect(r.alpha).toBeNull();
    expect(r.undefinedReason).toBe('only one value occurs: there is no variation to agree on (alpha is undefined)');
    expect(r.values).toEqual(['a']);
    expect(r.units).toBe(1);
    expect(r.pairable).toBe(2);
    expect(krippendorffAlpha([[4, 4, 4]], 'interval').alpha).toBeNull();
  });

  it('no pairable values: alpha is undefined', () => {
    for (const data of [[], [[1, null], [null, 2], [3]], [[null, null]]] as Ratings[]) {
      const r = krippendorffAlpha(data, 'nominal');
      expect(r.alpha).toBeNull();
      expect(r.undefinedReason).toBe('no pairable values (each unit has at most one value)');
      expect(r.pairable).toBe(0);
      expect(r.units).toBe(0);
    }
  });

  it('the numeric levels need numbers; numeric strings count as numbers', () => {
    const r = krippendorffAlpha(
      [
        [1, 'two'],
        [3, 3],
      ],
      'interval',
    );
    expect(r.alpha).toBeNull();
    expect(r.undefinedReason).toBe('ratings[0][1] = "two" is not a number: the interval level needs numeric values');
    expect(krippendorffAlpha([['low', 'high']], 'ordinal').undefinedReason).toMatch(/"low" is not a number/);
    // The same data as the interval case above, as strings: 8/11.
    const s = krippendorffAlpha(
      [
        ['1', '2.0'],
        [' 3', 3],
      ],
      'interval',
    );
    expect(s.alpha!).toBeCloseTo(8 / 11, 12);
    expect(s.values).toEqual([1, 2, 3]);
    expect(krippendorffAlpha([[1, -1]], 'ratio').undefinedReason).toMatch(/negative/);
    expect(krippendorffAlpha([[1, Number.NaN]], 'nominal').undefinedReason).toMatch(/not a finite number/);
  });

  it('values come in a locale-independent natural order (numbers first)', () => {
    const r = krippendorffAlpha([['item 10', 'item 2', 'Item 1', 'item 1', 7, 'é']], 'nominal');
    expect(r.values).toEqual([7, 'Item 1', 'item 1', 'item 2', 'item 10', 'é']);
    expect(naturalCompare('a9', 'a10')).toBeLessThan(0);
    expect(naturalCompare('1', '01')).not.toBe(0);
    expect(naturalCompare('x', 'x')).toBe(0);
    expect(naturalCompare('99999999999999999999', '100000000000000000000')).toBeLessThan(0);
    expect(compareValues(10, 'a')).toBeLessThan(0);
  });
});

describe('bootstrap', () => {
  // Eight units of three coders, some disagreement; alpha is defined on nearly every resample.
  const data: Ratings = [
    [1, 1, 1],
    [2, 2, 3],
    [3, 3, 3],
    [1, 2, 1],
    [4, 4, null],
    [2, 2, 2],
    [null, 3, 4],
    [4, 4, 4],
  ];

  it('is deterministic: the same seed gives the same interval, another seed another', () => {
    const a = alphaBootstrap(data, 'interval', { seed: 7, samples: 500 });
    const b = alphaBootstrap(data, 'interval', { seed: 7, samples: 500 });
    const c = alphaBootstrap(data, 'interval', { seed: 8, samples: 500 });
    expect(a).not.toBeNull();
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // The default seed is 1.
    expect(alphaBootstrap(data, 'nominal')).toEqual(alphaBootstrap(data, 'nominal', { seed: 1, samples: 2000 }));
  });

  it('counts the resamples where alpha is undefined', () => {
    // Two units, each with one value: a resample that draws one unit twice has no variation.
    // Each draw is the same unit twice with probability 1/2.
    const r = alphaBootstrap(
      [
        [1, 1],
        [2, 2],
      ],
      'nominal',
      { samples: 400 },
    )!;
    expect(r.skipped).toBeGreaterThan(100);
    expect(r.skipped).toBeLessThan(300);
    // The rest draw both units: perfect agreement, alpha 1.
    expect(r.low).toBe(1);
    expect(r.high).toBe(1);
  });

  it('is null when alpha is undefined on the data or the options are unusable', () => {
    expect(alphaBootstrap([[1, null]], 'nominal')).toBeNull();
    expect(alphaBootstrap([['a', 'a']], 'nominal')).toBeNull();
    expect(alphaBootstrap(data, 'nominal', { samples: 0 })).toBeNull();
    expect(alphaBootstrap(data, 'nominal', { confidence: 1 })).toBeNull();
  });

  it('a wider confidence gives a wider interval', () => {
    const narrow = alphaBootstrap(data, 'ordinal', { confidence: 0.5 })!;
    const wide = alphaBootstrap(data, 'ordinal', { confidence: 0.99 })!;
    expect(wide.low).toBeLessThanOrEqual(narrow.low);
    expect(wide.high).toBeGreaterThanOrEqual(narrow.high);
    expect(wide.level).toBe(0.99);
  });
});

describe('seeded', () => {
  it('repeats its stream for a seed, differs between seeds, and stays in [0, 1)', () => {
    const take = (seed: number) => {
      const r = seeded(seed);
      return Array.from({ length: 1000 }, () => r());
    };
    const one = take(1);
    expect(take(1)).toEqual(one);
    expect(take(2)).not.toEqual(one);
    expect(one.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: the mean of 1000 draws is within 0.05 of 1/2 (sd of the mean ≈ 0.009).
    expect(Math.abs(one.reduce((s, x) => s + x, 0) / one.length - 0.5)).toBeLessThan(0.05);
  });
});
