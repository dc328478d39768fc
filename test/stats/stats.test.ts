/**
 * dtors stats: numbers checked against hand-computed expectations on a small project, against counts
 * recomputed independently from the example's annotation files, and Fisher's test against exact values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fisherExact } from '../../src/stats/fisher.js';
import { uncoded } from '../../src/stats/coverage.js';
import { buildTranscript, defaultSpeakers } from '../../src/project/transcript.js';
import { EXAMPLE, runInProcess, writeProject } from '../helpers.js';

async function stats(dir: string, ...args: string[]) {
  const r = await runInProcess(['stats', dir, ...args, '-f', 'json']);
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { view: string; tables: { name: string; columns: string[]; rows: (string | number | null)[][] }[] };
}

const table = (doc: Awaited<ReturnType<typeof stats>>, name: string) => doc.tables.find((t) => t.name === name)!;

describe('on a small project, by hand', () => {
  // P1: "I wanted a script." (4 words, 1.1) and "And support from my keyworker." (quote of 4 words, 1.2);
  // P2: "Support mostly." (2 words, 1.2). Respondents speak 9 + 2 = 11 words.
  const dir = writeProject();

  it('codes: passages, cases, words and the share of respondent words', async () => {
    const t = table(await stats(dir, 'codes'), 'codes');
    expect(t.columns).toEqual(['code', 'label', 'level', 'passages (own)', 'passages', 'cases', 'transcripts', 'coders', 'words coded', '% of respondent words']);
    expect(t.rows).toEqual([
      ['1', 'Needs', 'theme', 0, 3, 2, 2, 0, 10, 90.9],
      ['1.1', 'Scripts', 'sub-theme', 1, 1, 1, 1, 0, 4, 36.4],
      ['1.2', 'Support', 'sub-theme', 2, 2, 2, 2, 0, 6, 54.5],
    ]);
  });

  it('presence: 0/1 and counts, with totals', async () => {
    expect(table(await stats(dir, 'presence'), 'presence').rows).toEqual([
      ['P1', 1, 1],
      ['P2', 0, 1],
      ['cases with it', 1, 2],
    ]);
    const counted = await stats(writeProject({ 'a.csv': 'transcript,code,lines\nP1,1.1,2\nP1,1.1,3\nP2,1.2,2\n' }), 'presence', '--count');
    expect(table(counted, 'presence').rows).toEqual([
      ['P1', 2, 0],
      ['P2', 0, 1],
      ['total passages', 2, 1],
    ]);
  });

  it('coverage: cell states, cases without evidence, uncoded respondent lines', async () => {
    const doc = await stats(dir, 'coverage');
    expect(table(doc, 'cells').rows).toEqual([['1 Needs', 4, 1, 0, 3, 0, 100]]);
    expect(table(doc, 'cases').rows).toEqual([['1 Needs', 0, '']]);
    expect(table(doc, 'transcripts').rows).toEqual([
      ['P1', 'P1', 2, 0, 0, ''],
      ['P2', 'P2', 1, 0, 0, ''],
    ]);
    const sparse = await stats(writeProject({ 'a.csv': 'transcript,code,lines,summary\nP1,1.1,2,\n', 'summaries.csv': 'case,code,summary\nP2,1.2,[not asked]\n', 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nsummaries: summaries.csv\n' }), 'coverage');
    expect(table(sparse, 'cells').rows).toEqual([['1 Needs', 4, 2, 1, 0, 1, 0]]);
    expect(table(sparse, 'cases').rows).toEqual([['1 Needs', 1, 'P2']]);
    expect(table(sparse, 'transcripts').rows).toEqual([
      ['P1', 'P1', 2, 1, 50, '3 (1 line)'],
      ['P2', 'P2', 1, 1, 100, '2 (1 line)'],
    ]);
  });

  it('cooccur: overlapping passages, and cases with both', async () => {
    const overlapping = writeProject({ 'a.csv': 'transcript,code,lines,coder\nP1,1.1,2-3,amy\nP1,1.2,3,amy\nP1,1.2,2,bo\nP2,1.2,2,amy\n' });
    const m = table(await stats(overlapping, 'cooccur'), 'matrix');
    expect(m.columns).toEqual(['code', '1.1', '1.2']);
    // amy's 1.1 (lines 2-3) overlaps her 1.2 (line 3); bo's 1.2 on line 2 is another coder's reading.
    expect(m.rows).toEqual([
      ['1.1 Scripts', 1, 1],
      ['1.2 Support', 1, 3],
    ]);
    const c = table(await stats(overlapping, 'cooccur', '--within', 'case'), 'matrix');
    expect(c.rows).toEqual([
      ['1.1 Scripts', 1, 1],
      ['1.2 Support', 1, 2],
    ]);
  });

  it('compare: counts and percentages per group, the difference, Fisher p', async () => {
    const t = table(await stats(dir, 'compare', '--by', 'route'), 'groups');
    expect(t.columns).toEqual(['code', 'sub-theme', 'cj (n=1)', 'cj %', 'other (n=1)', 'other %', 'difference (points, cj − other)', 'Fisher p (two-sided)']);
    expect(t.rows).toEqual([
      ['1.1', 'Scripts', 1, 100, 0, 0, 100, 1],
      ['1.2', 'Support', 1, 100, 1, 100, 0, 1],
    ]);
  });
});

describe('on the example, against counts made from the annotation files', () => {
  // Independently of dtors: every row of every annotation file, its case from cases.csv, its code cut
  // to the sub-theme (3.3.1 counts as 3.3).
  const cases = parseCsv(readFileSync(join(EXAMPLE, 'cases.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const caseOf = new Map(cases.flatMap((c) => c.transcripts.split(';').map((t) => [t.trim(), c.case] as const)));
  const rows: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(EXAMPLE, 'annotations')).sort()) {
    const text = readFileSync(join(EXAMPLE, 'annotations', f), 'utf8');
    rows.push(...(f.endsWith('.csv') ? (parseCsv(text, { columns: true }) as Record<string, unknown>[]) : (parseYaml(text) as Record<string, unknown>[])));
  }
  const column = (code: string) => code.split('.').slice(0, 2).join('.');

  it('presence --count matches, cell for cell', async () => {
    const expected = new Map<string, number>();
    for (const r of rows) {
      const key = `${caseOf.get(String(r.transcript))}|${column(String(r.code))}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const t = table(await stats(EXAMPLE, 'presence', '--count'), 'presence');
    const codes = t.columns.slice(3).map((h) => h.split(' ')[0]);
    let compared = 0;
    for (const row of t.rows.slice(0, -1)) {
      codes.forEach((code, i) => {
        expect([row[0], code, row[3 + i]]).toEqual([row[0], code, expected.get(`${row[0]}|${code}`) ?? 0]);
        compared++;
      });
    }
    // 12 cases × (19 sub-themes, 3.3.1 and 3.3.2 rolled into 3.3, and 4 general columns).
    expect(codes).toHaveLength(23);
    expect(compared).toBe(12 * 23);
    expect(t.rows.at(-1)!.slice(3).reduce((n: number, v) => n + Number(v), 0)).toBe(rows.length);
  });

  it('compare --by route among treatment seekers matches, with Fisher p for two groups', async () => {
    const seekers = cases.filter((c) => c.role === 'treatment seeker');
    const t = table(await stats(EXAMPLE, 'compare', '--by', 'route', '--where', 'role=treatment seeker'), 'groups');
    expect(t.columns.slice(2, 6)).toEqual(['criminal justice (n=4)', 'criminal justice %', 'other (n=4)', 'other %']);
    for (const row of t.rows) {
      const code = String(row[0]);
      const carrying = (route: string) => seekers.filter((c) => c.route === route && rows.some((r) => caseOf.get(String(r.transcript)) === c.case && (column(String(r.code)) === code || String(r.code) === code))).length;
      expect([code, row[2], row[4]]).toEqual([code, carrying('criminal justice'), carrying('other')]);
      expect(row[7]).toBeCloseTo(fisherExact(Number(row[2]), 4 - Number(row[2]), Number(row[4]), 4 - Number(row[4])), 3);
    }
  });
});

describe("Fisher's exact test", () => {
  it('matches exact values (computed with integer binomials)', () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12); // Fisher's tea-tasting table
    expect(fisherExact(10, 2, 3, 15)).toBeCloseTo(0.0005367241191434358, 12);
    expect(fisherExact(1, 9, 11, 3)).toBeCloseTo(0.002759456185220083, 12);
    expect(fisherExact(0, 5, 5, 0)).toBeCloseTo(0.007936507936507936, 12);
    expect(fisherExact(2, 3, 4, 1)).toBeCloseTo(0.5238095238095237, 12);
    expect(fisherExact(1, 0, 0, 1)).toBe(1);
    expect(fisherExact(0, 0, 0, 0)).toBe(1);
  });
});

describe('uncoded stretches', () => {
  it('run from one coded respondent line to the next, skipping interviewer and blank lines', () => {
    const t = buildTranscript('T', 't', 'Header\nINT: q\nRESP: a\nb\n\nINT: q2\nRESP: c\nd\ne\nRESP: f\n', defaultSpeakers());
    // Respondent lines: 3, 4, 7, 8, 9, 10. Line 8 is coded.
    expect(uncoded(t, [[8, 8]])).toEqual({ respondent: 6, uncoded: 5, stretches: [{ start: 3, end: 7, lines: 3 }, { start: 9, end: 10, lines: 2 }] });
  });
});
