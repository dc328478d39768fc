import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { copyProject, EXAMPLE, runBinary, runInProcess } from '../helpers.js';

describe('dtors suggest', () => {
  it('writes suggestions as annotation rows that load as coding, each saying where it came from', async () => {
    const dir = copyProject(EXAMPLE);
    const r = await runInProcess(['suggest', '.', '--out', 'annotations/suggested.csv'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dtors: \d+ suggestions for \d+ uncoded passages/);
    const rows = parseCsv(readFileSync(join(dir, 'annotations', 'suggested.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.every((x) => x.coder === 'suggest')).toBe(true);
    expect(rows.every((x) => /^(\[model 0\.\d\d: [^\]]+\] ?)?(\[keywords: [^\]]+\])?$/.test(x.note) && x.note !== '')).toBe(true);
    expect(rows.some((x) => x.note.startsWith('[model'))).toBe(true);
    expect(rows.some((x) => x.note.includes('[keywords'))).toBe(true);
    const v = await runInProcess(['validate', '.'], dir);
    expect(v.code).toBe(0);
  });

  it('gives the same suggestions every time', () => {
    const a = runBinary(['suggest', EXAMPLE, '-f', 'json']);
    const b = runBinary(['suggest', EXAMPLE, '-f', 'json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout);
    expect(j.suggestions[0]).toEqual(expect.objectContaining({ transcript: expect.any(String), code: expect.any(String), startLine: expect.any(Number), excerpt: expect.any(String) }));
  });

  it('evaluates both sources by cross-validation, code by code', async () => {
    const r = await runInProcess(['suggest', '--evaluate', '-f', 'json'], EXAMPLE);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout).tables[0];
    expect(t.title).toMatch(/^Cross-validation: 5 folds by case, \d+ respondent turns$/);
    const overall = t.rows[t.rows.length - 1];
    expect(overall[0]).toBe('all (micro-average)');
    // Far better than chance on the example's coding, and far from perfect: numbers to read, not to trust blindly.
    const [precision, recall] = [overall[5], overall[6]];
    expect(precision).toBeGreaterThan(25);
    expect(recall).toBeGreaterThan(25);
    expect(precision).toBeLessThan(100);
  });

  it('suggests from keywords alone when asked', async () => {
    const r = await runInProcess(['suggest', '--source', 'keywords', '-f', 'json'], EXAMPLE);
    const j = JSON.parse(r.stdout);
    expect(j.suggestions.every((s: { model?: unknown; keywords?: unknown }) => s.model === undefined && s.keywords)).toBe(true);
  });
});

describe('dtors chart --auto-summary', () => {
  it('fills only passages not summarised, marks them [auto], and leaves the cell not summarised', async () => {
    const plain = JSON.parse((await runInProcess(['chart', '.', '-f', 'json', '--theme', '1'], EXAMPLE)).stdout);
    const auto = JSON.parse((await runInProcess(['chart', '.', '-f', 'json', '--theme', '1', '--auto-summary'], EXAMPLE)).stdout);
    const cells = (m: { matrices: { rows: { cells: { state: string; entries: { summary?: string; auto?: boolean; quote?: string }[] }[] }[] }[] }) =>
      m.matrices.flatMap((x) => x.rows.flatMap((r) => r.cells));
    const before = cells(plain);
    const after = cells(auto);
    let filled = 0;
    after.forEach((cell, i) => {
      expect(cell.state).toBe(before[i].state);
      cell.entries.forEach((e, j) => {
        const was = before[i].entries[j];
        if (was.summary !== undefined) expect(e.summary).toBe(was.summary);
        else if (e.summary !== undefined) {
          filled++;
          expect(e.auto).toBe(true);
          // The participant's own words: every sentence chosen is in the passage.
          const words = e.summary.replace(/^\[auto\] “|”$/g, '').replace(/ …$/, '').split(' … ');
          for (const w of words) expect((was.quote ?? '').replace(/\s+/g, ' ')).toContain(w.replace(/\s+/g, ' '));
        }
      });
    });
    expect(filled).toBeGreaterThan(5);
  });

  it('is the same on every run, and shows [auto] in the Markdown charts', () => {
    const a = runBinary(['chart', EXAMPLE, '--auto-summary', '--theme', '1']);
    const b = runBinary(['chart', EXAMPLE, '--auto-summary', '--theme', '1']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/\[auto\] “[^”]+” \(P\d\d-\w+:\d+(-\d+)?\)/);
  });
});

describe('dtors suggest --evaluate --where', () => {
  it('folds, trains and tests only the cases asked for', async () => {
    const all = JSON.parse((await runInProcess(['suggest', '--evaluate', '-f', 'json'], EXAMPLE)).stdout).tables[0].title;
    const some = JSON.parse((await runInProcess(['suggest', '--evaluate', '-f', 'json', '--where', 'role=provider'], EXAMPLE)).stdout);
    const turns = (title: string) => Number(/, (\d+) respondent turns/.exec(title)![1]);
    expect(turns(some.tables[0].title)).toBeLessThan(turns(all));
    expect(some.tables[0].title).toMatch(/^Cross-validation: 4 folds by case/);
    expect(some.filters).toEqual(['role = provider']);
  });
});
