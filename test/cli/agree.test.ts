import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, runBinary, runInProcess, tempDir, writeProject } from '../helpers.js';

// Units (respondent lines): P1:2 "I wanted a script.", P1:3 "And support from my keyworker.", P2:2 "Support mostly."
// 1.1: amy 1,0,0 and bo 1,0,0. 1.2: amy 0,1,1 and bo 0,0,1.
const TWO_CODERS = writeProject({ 'a.csv': 'transcript,code,lines,coder\nP1,1.1,2,amy\nP1,1.1,2,bo\nP1,1.2,3,amy\nP2,1.2,2,amy\nP2,1.2,2,bo\n' });

async function agree(...args: string[]) {
  const r = await runInProcess(['agree', ...args, '-f', 'json']);
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { tables: { name: string; columns: string[]; rows: (string | number | null)[][] }[] };
}

describe('dtors agree on coded data', () => {
  it('per code and overall, as worked out by hand', async () => {
    const t = (await agree(TWO_CODERS, '--disagreements')).tables;
    const codes = t.find((x) => x.name === 'codes')!;
    expect(codes.columns).toEqual(['code', 'label', 'units', 'marked by amy', 'marked by bo', '% agreement', "Cohen's kappa", "Krippendorff's alpha", 'alpha 95% low', 'alpha 95% high', 'Jaccard (text)', 'note']);
    const pick = (r: (string | number | null)[]) => [r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[10], r[11]];
    // 1.1: identical. 1.2: p_o 2/3, p_e 4/9, kappa 0.4; alpha: o00 2, o01 = o10 1, o11 2, D_o 1/3, D_e 0.6, alpha 4/9;
    // Jaccard 19 of 50 characters. All: p_o 5/6, p_e 1/2, kappa 2/3; alpha 1 − (2/12)/(70/132); Jaccard 39/70.
    expect(codes.rows.map(pick)).toEqual([
      ['1.1', 3, 1, 1, 100, 1, 1, 1, ''],
      ['1.2', 3, 2, 1, 66.667, 0.4, 0.444, 0.38, ''],
      ['all', 6, 3, 2, 83.333, 0.667, 0.686, 0.557, ''],
    ]);
    // The interval holds the estimate (a bootstrap over 3 units is coarse, but seeded).
    const all = codes.rows[2];
    expect(Number(all[8])).toBeLessThanOrEqual(0.686);
    expect(Number(all[9])).toBeGreaterThanOrEqual(0.686);
    expect(t.find((x) => x.name === 'disagreements')!.rows).toEqual([['P1:3', '1.2', 'Support', 'amy', 'bo']]);
  });

  it('is reproducible: the same seed gives the same interval, from the binary too', async () => {
    const a = await runInProcess(['agree', EXAMPLE, '-f', 'csv', '--section', 'codes']);
    const b = runBinary(['agree', EXAMPLE, '-f', 'csv', '--section', 'codes']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const rows = parseCsv(a.stdout) as string[][];
    expect(rows[0].slice(0, 5)).toEqual(['code', 'label', 'units', 'marked by amira', 'marked by tom']);
    expect(rows.at(-1)![0]).toBe('all');
  });

  it('compares two files with --a and --b, and other units', async () => {
    const dir = writeProject({
      'a.csv': 'transcript,code,lines\nP1,1.1,2\nP2,1.2,2\n',
      'b.csv': 'transcript,code,lines\nP1,1.1,2\nP1,1.2,3\n',
      'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv, b.csv]\ncases: cases.csv\n',
    });
    const t = (await agree(dir, '--a', join(dir, 'a.csv'), '--b', join(dir, 'b.csv'), '--unit', 'case')).tables[0];
    expect(t.columns.slice(3, 5)).toEqual(['marked by a.csv', 'marked by b.csv']);
    // Cases: P1 has 1.1 from both, 1.2 from b only; P2 has 1.2 from a only (b did not code P2: missing).
    expect(t.rows.map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual([
      ['1.1', 1, 1, 1, 100],
      ['1.2', 1, 0, 1, 0],
      ['all', 2, 1, 2, 50],
    ]);
  });

  it('says why instead of printing NaN: one coder, a code nobody used', async () => {
    const one = await runInProcess(['agree', writeProject({ 'a.csv': 'transcript,code,lines,coder\nP1,1.1,2,amy\n' })]);
    expect(one).toMatchObject({ code: 1, stdout: '' });
    expect(one.stderr).toMatch(/\ndtors: only one coder \(amy\) coded this project: agreement needs two or more\n$/);
    const none = await runInProcess(['agree', writeProject()]);
    expect(none.stderr).toMatch(/no passage names its coder/);
    const apart = await runInProcess(['agree', writeProject({ 'a.csv': 'transcript,code,lines,coder\nP1,1.1,2,amy\nP2,1.2,2,bo\n' })]);
    expect(apart.code).toBe(1);
    expect(apart.stderr).toMatch(/dtors: no transcript was coded by two of the coders \(amy, bo\): there is nothing to compare\n$/);
    const unused = (await agree(writeProject({ 'a.csv': 'transcript,code,lines,coder\nP1,1.1,2,amy\nP1,1.1,2,bo\n' }))).tables[0];
    const row = unused.rows.find((r) => r[0] === '1.2')!;
    expect(row[5]).toBe(100);
    expect(row[6]).toBeNull();
    expect(row[7]).toBeNull();
    expect(String(row[11])).toMatch(/only one value/);
  });

  it('writes ratings that --ratings reads back to the same alpha', async () => {
    const dir = tempDir();
    const out = join(dir, 'ratings.csv');
    await runInProcess(['agree', TWO_CODERS, '--ratings-out', out, '-f', 'json']);
    const rows = parseCsv(readFileSync(out, 'utf8')) as string[][];
    expect(rows[0]).toEqual(['unit', 'amy', 'bo']);
    expect(rows.slice(1)).toEqual([
      ['P1:2 1.1', '1', '1'],
      ['P1:3 1.1', '0', '0'],
      ['P2:2 1.1', '0', '0'],
      ['P1:2 1.2', '0', '0'],
      ['P1:3 1.2', '1', '0'],
      ['P2:2 1.2', '1', '1'],
    ]);
    const t = (await agree('--ratings', out)).tables;
    expect(t.find((x) => x.name === 'alpha')!.rows[0].slice(0, 2)).toEqual(['nominal', 0.686]);
    expect(t.find((x) => x.name === 'kappa')!.rows.map((r) => r.slice(0, 2))).toEqual([
      ['unweighted', 0.667],
      ['linear', 0.667],
      ['quadratic', 0.667],
    ]);
  });

  it('reads any reliability data with --ratings, at every level', async () => {
    const dir = tempDir();
    const file = join(dir, 'k.csv');
    // Krippendorff (2011): 12 units, 4 coders, blanks missing.
    const data = [
      [1, 1, null, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
      [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [null, 5, 5, 5], [null, null, 1, 1], [null, 3, null, null],
    ];
    writeFileSync(file, 'unit,A,B,C,D\n' + data.map((r, i) => [i + 1, ...r.map((v) => (v === null ? '' : v))].join(',')).join('\n') + '\n');
    const levels: [string, number][] = [['nominal', 0.743], ['ordinal', 0.815], ['interval', 0.849], ['ratio', 0.797]];
    for (const [level, expected] of levels) {
      const t = (await agree('--ratings', file, '--level', level)).tables;
      expect([level, t[0].rows[0][1]]).toEqual([level, expected]);
    }
    const bad = await runInProcess(['agree', '--ratings', file.replace('k.csv', 'missing.csv')]);
    expect(bad.code).toBe(2);
    writeFileSync(file, 'item,A\n1,2\n');
    const header = await runInProcess(['agree', '--ratings', file]);
    expect(header.code).toBe(1);
    expect(header.stderr).toMatch(/k\.csv:1:1: error ratings-header: a ratings file starts with a "unit" column/);
    // One category everywhere: alpha and kappa say why they are undefined.
    writeFileSync(file, 'unit,A,B\n1,x,x\n2,x,x\n');
    const flat = (await agree('--ratings', file)).tables;
    expect(flat[0].rows[0].slice(0, 2)).toEqual(['nominal', null]);
    expect(String(flat[0].rows[0][8])).toMatch(/only one value/);
    expect(flat[1].rows[0][1]).toBeNull();
  });
});
