import { describe, expect, it } from 'vitest';
import { anchorAll } from '../../src/anchor/anchor.js';
import { buildMatrices } from '../../src/chart/chart.js';
import { templateTable } from '../../src/chart/template.js';
import { loadProject } from '../../src/project/load.js';
import { planImport, recordedOptions, summariesText } from '../../src/summaries/import.js';
import { recordKey, type ReadBack, type Sheet } from '../../src/summaries/read.js';
import { cellRecords } from '../../src/summaries/records.js';
import { writeProject } from '../helpers.js';

const OPTIONS = { quotes: 'marked', interviewer: true, themes: null, where: {}, coders: null, template: true };

function analysed(files: Record<string, string | null> = {}) {
  const project = loadProject(writeProject({ 'summaries.csv': 'case,code,summary,coder\nP1,1.1,Wants a script,amira\n', 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\nsummaries: summaries.csv\n', ...files })).project!;
  return { project, segments: anchorAll(project).segments };
}

/** The template the project charts to now, as sheets, with its records. */
function sheetOf(a: ReturnType<typeof analysed>): { back: ReadBack; sheet: Sheet } {
  const chart = recordedOptions(OPTIONS).chart;
  const matrices = buildMatrices(a.project, a.segments, chart);
  const { header, rows } = templateTable(matrices[0], 'marked');
  const records = new Map(cellRecords(matrices, { template: true, quotes: 'marked' }).map((r) => [recordKey(r.case, r.code), { coding: r.coding, summary: r.summary }]));
  const sheet: Sheet = { name: 'sheet', header, rows, at: (row, column) => ({ file: 'sheet.csv', line: row + 2, col: column + 1 }) };
  return { back: { sheets: [sheet], records, options: OPTIONS }, sheet };
}

const cell = (s: Sheet, kase: string, code: string) => {
  const r = s.rows.findIndex((x) => x[0] === kase);
  const c = s.header.findIndex((h) => h.startsWith(code + ' '));
  return { get: () => s.rows[r][c], set: (v: string) => (s.rows[r][c] = v) };
};

describe('planning a summaries import', () => {
  it('takes nothing from a sheet left as it was', () => {
    const a = analysed();
    const plan = planImport(a.project, a.segments, sheetOf(a).back);
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged).toBe(4);
    expect(plan.diagnostics).toEqual([]);
  });

  it('updates, adds and removes cell summaries, matching cells by case and code whatever the order', () => {
    const a = analysed();
    const { back, sheet } = sheetOf(a);
    cell(sheet, 'P1', '1.1').set(cell(sheet, 'P1', '1.1').get().replace('Wants a script', 'Wants a script, fast'));
    cell(sheet, 'P2', '1.2').set('Mostly support\n' + cell(sheet, 'P2', '1.2').get());
    // Columns and rows moved about: matched by name, not place.
    sheet.header.reverse();
    sheet.rows = sheet.rows.map((r) => [...r].reverse()).reverse();
    sheet.header.unshift(sheet.header.pop()!);
    for (const r of sheet.rows) r.unshift(r.pop()!);
    const plan = planImport(a.project, a.segments, back);
    expect(plan.changes.map((c) => [c.kind, c.case, c.code, c.after])).toEqual([
      ['updated', 'P1', '1.1', 'Wants a script, fast'],
      ['added', 'P2', '1.2', 'Mostly support'],
    ]);
    const text = summariesText('case,code,summary,coder\nP1,1.1,Wants a script,amira\n', plan.changes, 'bea');
    expect(text).toEqual({ text: 'case,code,summary,coder\nP1,1.1,"Wants a script, fast",bea\nP2,1.2,Mostly support,bea\n' });

    cell(sheet, 'P1', '1.1').set('[P1:2] I wanted a script.');
    expect(planImport(a.project, a.segments, back).changes.map((c) => [c.kind, c.case, c.code, c.before])).toEqual([
      ['removed', 'P1', '1.1', 'Wants a script'],
      ['added', 'P2', '1.2', undefined],
    ]);
  });

  it('leaves alone a cell whose coding changed since the sheet was made, unless forced', () => {
    const before = analysed();
    const { back, sheet } = sheetOf(before);
    cell(sheet, 'P1', '1.2').set('Support from the keyworker');
    // The passage coded 1.2 in P1 moves from line 3 to line 2.
    const after = analysed({ 'a.csv': 'transcript,code,lines,quote,summary\nP1,1.1,2,,Wanted a script\nP1,1.2,2,,Keyworker\nP2,1.2,2,,Support\n' });
    const plan = planImport(after.project, after.segments, back);
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['summary-stale', 2, 3]]);
    expect(planImport(after.project, after.segments, back, { force: true }).changes.map((c) => c.kind)).toEqual(['added']);
  });

  it('leaves alone a cell whose summary changed in the project meanwhile, unless forced', () => {
    const before = analysed();
    const { back, sheet } = sheetOf(before);
    cell(sheet, 'P1', '1.1').set('My version');
    const after = analysed({ 'summaries.csv': 'case,code,summary,coder\nP1,1.1,Their version,amira\n' });
    const plan = planImport(after.project, after.segments, back);
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['summary-conflict']);
    // The same edit made in both places is no conflict.
    cell(sheet, 'P1', '1.1').set('Their version');
    expect(planImport(after.project, after.segments, back).diagnostics).toEqual([]);
  });

  it('refuses a sheet without records unless forced, and then takes what differs from the project', () => {
    const a = analysed();
    const { back, sheet } = sheetOf(a);
    const bare: ReadBack = { sheets: back.sheets, options: OPTIONS };
    expect(planImport(a.project, a.segments, bare).diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'sheet-without-records']]);
    cell(sheet, 'P2', '1.1').set('Nothing on scripts');
    expect(planImport(a.project, a.segments, bare, { force: true }).changes.map((c) => [c.kind, c.case, c.code])).toEqual([['added', 'P2', '1.1']]);
  });

  it('warns of unknown cases and of a cell given twice', () => {
    const a = analysed();
    const { back, sheet } = sheetOf(a);
    sheet.rows.push(['P9', 'x', 'y', 'z'], [...sheet.rows[0]]);
    sheet.rows[sheet.rows.length - 1][1] = 'A second P1 1.1';
    const plan = planImport(a.project, a.segments, back);
    // Two: the repeated row's 1.1 and 1.2 cells.
    expect(plan.diagnostics.map((d) => d.code).sort()).toEqual(['sheet-duplicate-cell', 'sheet-duplicate-cell', 'sheet-unknown-case']);
    expect(plan.changes).toEqual([]);
  });
});
