import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, runBinary, runInProcess, tempDir, writeProject } from '../helpers.js';

describe('dtors stats', () => {
  it('prints Markdown by default, the same from the binary', async () => {
    const r = await runInProcess(['stats', EXAMPLE, 'codes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Codes\n\n## Codes\n\n\| code \| label \| level \| passages \(own\) \|/);
    expect(r.stdout).toContain('| 3.3.1 | Leaving prison | level 3 | 16 | 16 | 7 | 8 | 2 |');
    expect(runBinary(['stats', EXAMPLE, 'codes'])).toMatchObject({ code: 0, stdout: r.stdout });
  });

  it('takes the project from the current folder when only the view is given', async () => {
    const r = await runInProcess(['stats', 'presence', '-f', 'csv'], EXAMPLE);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout) as string[][];
    expect(rows[0].slice(0, 4)).toEqual(['case', 'role', 'route', '1 Needs from drug treatment (general)']);
    expect(rows).toHaveLength(14);
  });

  it('is deterministic and neutralises formula-like cells in CSV', async () => {
    const dir = writeProject({ 'cases.csv': 'case,route\nP1,=HYPERLINK("x")\nP2,other\n' });
    const a = await runInProcess(['stats', dir, 'compare', '--by', 'route', '-f', 'csv']);
    const b = await runInProcess(['stats', dir, 'compare', '--by', 'route', '-f', 'csv']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.split('\n')[0]).toContain(`"'=HYPERLINK(""x"") (n=1)"`);
  });

  it('writes --out and --svg files; the SVG is a standalone picture of the same data', async () => {
    const dir = tempDir();
    const r = await runInProcess(['stats', EXAMPLE, 'compare', '--by', 'route', '--where', 'role=treatment seeker', '--out', join(dir, 'compare.md'), '--svg', join(dir, 'compare.svg')]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(dir, 'compare.md'), 'utf8')).toMatch(/^# Compare cases by route\n\nFilters: role = treatment seeker\n/);
    const svg = readFileSync(join(dir, 'compare.svg'), 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('criminal justice');
    expect(svg).toContain('1.1 Substitute prescribing');
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('refuses what does not fit a view, as usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['stats', EXAMPLE, 'pie'], /unknown view "pie" \(choose codes, presence, coverage, cooccur, compare\)/],
      [['stats', EXAMPLE, 'compare'], /compare needs --by ATTRIBUTE/],
      [['stats', EXAMPLE, 'codes', '--svg', 'x.svg'], /--svg draws presence, coverage and compare, not codes/],
      [['stats', EXAMPLE, 'codes', '--count'], /--count is for the presence view/],
      [['stats', EXAMPLE, 'coverage', '-f', 'csv'], /coverage has 3 tables; CSV holds one: choose it with --section cells\|cases\|transcripts/],
      [['stats', EXAMPLE, 'coverage', '-f', 'csv', '--section', 'rows'], /coverage has no table "rows"/],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
    }
    const unknown = await runInProcess(['stats', EXAMPLE, 'compare', '--by', 'rout']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error unknown-attribute: unknown case attribute "rout"\n  hint: did you mean "route"\?/);
  });

  it('writes nothing when the project has errors', async () => {
    const dir = writeProject({ 'a.csv': 'transcript,code,lines\nP1,9.9,2\n' });
    const out = join(tempDir(), 'codes.md');
    const r = await runInProcess(['stats', dir, 'codes', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error unknown-code/);
    expect(r.stderr).toMatch(/dtors: no statistics; fix the errors above\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('coverage as CSV, one section at a time', async () => {
    const r = await runInProcess(['stats', EXAMPLE, 'coverage', '-f', 'csv', '--section', 'transcripts']);
    const rows = parseCsv(r.stdout) as string[][];
    expect(rows[0]).toEqual(['transcript', 'case', 'respondent lines', 'uncoded lines', '% uncoded', 'longest uncoded stretches (up to 3)']);
    expect(rows).toHaveLength(17);
  });
});
