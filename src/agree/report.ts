/** Agreement results as tables, for the same renderers as `dtors stats` (Markdown, CSV, JSON). */
import type { StatValue, StatView } from '../stats/types.js';
import { alphaBootstrap, krippendorffAlpha, type Level, type Ratings } from './alpha.js';
import type { CodedAgreement, CodeAgreement } from './coded.js';
import { cohenKappa, type Weights } from './kappa.js';

/** Three decimals: the precision agreement is reported at. */
function r3(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const v = Math.round(x * 1000) / 1000;
  return v === 0 ? 0 : v;
}

export interface Bootstrap {
  samples: number;
  seed: number;
}

export function codedView(a: CodedAgreement, boot: Bootstrap, disagreements: boolean): StatView {
  const two = a.coders.length === 2;
  // Pooled, the rows are each code's units in turn: a unit is drawn with all its codes.
  const pooledClusters = a.byCode.get('all')!.map((_, i) => i % a.units);
  const row = (c: CodeAgreement): StatValue[] => {
    const ci = c.alpha === null ? null : alphaBootstrap(a.byCode.get(c.code)!, 'nominal', { samples: boot.samples, seed: boot.seed, clusters: c.code === 'all' ? pooledClusters : undefined });
    return [
      c.code,
      c.label,
      c.units,
      ...c.marked,
      r3(c.percent === null ? null : c.percent * 100),
      ...(two ? [r3(c.kappa)] : []),
      r3(c.alpha),
      ci ? r3(ci.low) : null,
      ci ? r3(ci.high) : null,
      r3(c.jaccard),
      c.undefinedReason ?? '',
    ];
  };
  const tables: StatView['tables'] = [
    {
      name: 'codes',
      title: `Agreement per code (${a.coders.join(', ')}; unit: ${a.unit})`,
      columns: [
        'code',
        'label',
        'units',
        ...a.coders.map((c) => `marked by ${c}`),
        '% agreement',
        ...(two ? ["Cohen's kappa"] : []),
        "Krippendorff's alpha",
        'alpha 95% low',
        'alpha 95% high',
        'Jaccard (text)',
        'note',
      ],
      rows: [...a.codes.map(row), row(a.overall)],
      notes: [
        `Units: ${UNIT_WORDS[a.unit]} of the ${a.transcripts.length} transcripts at least two coders coded (${a.transcripts.join(', ')}); ${a.units.toLocaleString('en')} units, each judged for every code (coded or not). A coder who did not code a transcript has no value there.`,
        `Alpha is nominal; its 95% interval is a bootstrap over units (${boot.samples} samples, seed ${boot.seed}; for all codes, each unit is drawn with all its codes). Jaccard is the share of the text any coder gave the code that ${two ? 'both' : 'each pair of coders'} gave it. The last row pools all codes. See docs/agreement.md for what these do and do not mean.`,
        ...(a.uncoded ? [`${a.uncoded} passages name no coder and are left out.`] : []),
      ],
    },
  ];
  if (disagreements) {
    tables.push({
      name: 'disagreements',
      title: 'Where the coders differ',
      columns: ['reference', 'code', 'label', 'coded by', 'not coded by'],
      rows: a.disagreements.map((d) => [`${d.transcript}:${d.startLine === d.endLine ? d.startLine : `${d.startLine}-${d.endLine}`}`, d.code, a.codes.find((c) => c.code === d.code)?.label ?? '', d.with.join(', '), d.without.join(', ')]),
      notes: ['Consecutive units on which the same coders differ are one row. For the consensus meeting: open each reference in the transcript.'],
    });
  }
  return { view: 'agree', title: 'Inter-coder agreement', filters: [], tables };
}

const UNIT_WORDS: Record<CodedAgreement['unit'], string> = {
  line: 'respondent lines',
  char: 'respondent characters (not white space)',
  turn: 'respondent turns',
  case: 'cases',
};

/** `--ratings`: alpha at the chosen level, and for two coders kappa unweighted, linear and quadratic. */
export function ratingsView(coders: string[], ratings: Ratings, level: Level, boot: Bootstrap): StatView {
  const alpha = krippendorffAlpha(ratings, level);
  const ci = alpha.alpha === null ? null : alphaBootstrap(ratings, level, { samples: boot.samples, seed: boot.seed });
  const tables: StatView['tables'] = [
    {
      name: 'alpha',
      title: "Krippendorff's alpha",
      columns: ['level', 'alpha', '95% low', '95% high', 'units', 'pairable values', 'observed disagreement', 'expected disagreement', 'note'],
      rows: [[level, r3(alpha.alpha), ci ? r3(ci.low) : null, ci ? r3(ci.high) : null, alpha.units, alpha.pairable, r3(alpha.observed), r3(alpha.expected), alpha.undefinedReason ?? '']],
      notes: [`The interval is a bootstrap over units (${boot.samples} samples, seed ${boot.seed}).`],
    },
  ];
  if (coders.length === 2) {
    const a = ratings.map((r) => r[0]);
    const b = ratings.map((r) => r[1]);
    const weights: Weights[] = ['unweighted', 'linear', 'quadratic'];
    tables.push({
      name: 'kappa',
      title: `Cohen's kappa (${coders[0]}, ${coders[1]})`,
      columns: ['weights', 'kappa', 'ASE', '95% low', '95% high', 'units', '% agreement', 'note'],
      rows: weights.map((w) => {
        const k = cohenKappa(a, b, w);
        return [w, r3(k.kappa), k.ase === null ? null : r3(k.ase), k.ci95 ? r3(k.ci95[0]) : null, k.ci95 ? r3(k.ci95[1]) : null, k.n, r3(k.observedAgreement * 100), k.undefinedReason ?? ''];
      }),
      notes: ['Units rated by both coders only. ASE: the asymptotic standard error of Fleiss, Cohen & Everitt (1969); the interval is kappa ± 1.96 ASE.'],
    });
  }
  return { view: 'ratings', title: 'Reliability of ratings', filters: [`${coders.length} coders`, `${ratings.length} units`], tables };
}
