import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorAll } from '../../src/anchor/anchor.js';
import { cellLines } from '../../src/chart/cellText.js';
import { buildMatrices, checkOptions, type ChartOptions } from '../../src/chart/chart.js';
import { loadProject } from '../../src/project/load.js';
import { FIXTURES } from '../helpers.js';

const loaded = loadProject(join(FIXTURES, 'projects', 'basic'));
const project = loaded.project!;
const { segments } = anchorAll(project);
const base: ChartOptions = { sort: [], attributes: [], quotes: 'marked', interviewer: true, where: [] };
const chart = (o: Partial<ChartOptions> = {}) => buildMatrices(project, segments, { ...base, ...o });
/** A cell's lines by theme, case and column code. */
const cell = (o: Partial<ChartOptions>, theme: string, caseId: string, code: string, quotes = o.quotes ?? 'marked') => {
  const m = chart(o).find((x) => x.theme.id === theme)!;
  const row = m.rows.find((r) => r.case === caseId)!;
  const c = row.cells[m.columns.findIndex((col) => col.code === code)];
  return { state: c.state, lines: cellLines(c, quotes) };
};

describe('buildMatrices', () => {
  it('loads the fixture cleanly', () => {
    expect(loaded.diagnostics).toEqual([]);
  });

  it('makes one matrix per theme with a general column only where a theme itself is coded', () => {
    const ms = chart();
    expect(ms.map((m) => m.theme.id)).toEqual(['1', '2']);
    expect(ms[0].columns.map((c) => c.header)).toEqual(['1 Needs (general)', '1.1 Scripts', '1.2 Support']);
    expect(ms[1].columns.map((c) => c.header)).toEqual(['2.1 Use']);
  });

  it('orders rows by attribute, then case id in natural order', () => {
    expect(chart().map((m) => m.rows.map((r) => r.case))[0]).toEqual(['P2', 'P10']);
    expect(chart({ sort: ['route'] })[0].rows.map((r) => r.case)).toEqual(['P2', 'P10']);
    expect(chart({ where: [['route', ['other']]] })[0].rows.map((r) => r.case)).toEqual(['P10']);
    expect(chart({ where: [['route', ['OTHER', 'criminal justice']]] })[0].rows.map((r) => r.case)).toEqual(['P2', 'P10']);
  });

  it('rolls deeper levels up into their sub-theme, in transcript order, with key marks', () => {
    expect(cell({}, '1', 'P2', '1.1')).toEqual({
      state: 'summarised',
      lines: ['Dose too low at first (P2:2-3*)', 'Script dose raised (P2:2-3)'],
    });
    expect(cell({ quotes: 'none' }, '1', 'P2', '1.1').lines).toEqual(['Dose too low at first (P2:2-3)', 'Script dose raised (P2:2-3)']);
  });

  it('shows every cell state', () => {
    expect(cell({}, '1', 'P10', '1.2')).toEqual({ state: 'not-summarised', lines: ['[not summarised] (P10-a:2)'] });
    expect(cell({}, '1', 'P10', '1.1')).toEqual({ state: 'not-asked', lines: ['[not asked]'] });
    expect(cell({}, '2', 'P2', '2.1')).toEqual({ state: 'not-discussed', lines: ['[not discussed]'] });
    expect(cell({}, '1', 'P2', '1.2')).toEqual({ state: 'cell-summary', lines: ['Keyworker valued (P2:6)', '[Note: warm relationship]'] });
    expect(cell({}, '1', 'P2', '1')).toEqual({ state: 'empty', lines: [] });
  });

  it('charts a case across its interviews in the order the cases file lists them', () => {
    expect(cell({}, '2', 'P10', '2.1').lines).toEqual([
      '=SUM(A1) is his joke about counting; uses less (P10-a:4)',
      'Uses less now (P10-a:4-5)',
      '[Note: joke about formulas]',
      'Clean since May (P10-b:2*)',
    ]);
  });

  it('quotes verbatim, cutting speaker labels, naming speakers across turns, and can drop the interviewer', () => {
    expect(cell({ quotes: 'full' }, '1', 'P10', '1').lines).toEqual([
      'Waited weeks for help (P10-a:1-2)',
      '"INT: Tell me about the start. / RESP: I waited <six> weeks & more." (P10-a:1-2)',
    ]);
    expect(cell({ quotes: 'full', interviewer: false }, '1', 'P10', '1').lines[1]).toBe('"I waited <six> weeks & more." (P10-a:1-2)');
    // A quote anchor charts exactly the quoted words; a line anchor the whole lines.
    expect(cell({ quotes: 'full' }, '1', 'P2', '1.1').lines).toEqual([
      'Dose too low at first (P2:2-3*)',
      '"With a script, my "dose" was too low. Then it went up." (P2:2-3)',
      'Script dose raised (P2:2-3)',
      '"my "dose" was too low. Then it went up." (P2:2-3)',
    ]);
  });

  it('shows two coders\' identical entries once', async () => {
    const { writeProject } = await import('../helpers.js');
    const dir = writeProject({ 'a.csv': 'transcript,code,lines,summary,coder\nP1,1.1,2,Wants a script,a\nP1,1.1,2,Wants a script,b\nP1,1.1,2,Wants a script now,b\nP2,1.2,2,x,a\n' });
    const l = await loadProject(dir);
    const m = buildMatrices(l.project!, anchorAll(l.project!).segments, base);
    expect(cellLines(m[0].rows[0].cells[0], 'marked')).toEqual(['Wants a script (P1:2)', 'Wants a script now (P1:2)']);
  });

  it('marks where interviewer words were cut from a quote', async () => {
    const { writeProject } = await import('../helpers.js');
    const dir = writeProject({
      't/P1.txt': 'INT: Hello?\nRESP: I wanted a script.\nINT: And?\nRESP: And support.\n',
      'a.csv': 'transcript,code,lines\nP1,1.1,1-4\nP1,1.2,2\nP2,1.2,2\n',
    });
    const l = await loadProject(dir);
    const segs = anchorAll(l.project!).segments;
    const quoteOf = (interviewer: boolean) => buildMatrices(l.project!, segs, { ...base, interviewer })[0].rows[0].cells[0].entries[0].quote;
    expect(quoteOf(false)).toBe('I wanted a script. […] And support.');
    expect(quoteOf(true)).toBe('INT: Hello? / RESP: I wanted a script. / INT: And? / RESP: And support.');
  });

  it('filters by coder', () => {
    expect(cell({ coders: ['sam'] }, '1', 'P2', '1.1').lines).toEqual(['Script dose raised (P2:2-3)']);
  });

  it('gives code-point offsets, whatever the UTF-16 length', () => {
    const e = chart()[0].rows.find((r) => r.case === 'P2')!.cells[2].entries[0];
    const text = project.transcripts.get('P2')!.text;
    expect([...text].slice(e.start, e.end).join('')).toBe('RESP: My keyworker 🙂 was great | honestly.');
    expect(e.end - e.start).toBe(42); // 43 UTF-16 units: the emoji is one code point
  });

  it('rejects unknown attributes and themes with hints', () => {
    const ds = checkOptions(project, { ...base, sort: ['rout'], themes: ['1.1', '3'] });
    expect(ds.map((d) => [d.code, d.hint])).toEqual([
      ['unknown-attribute', 'did you mean "route"? attributes: route'],
      ['unknown-theme', '1.1 is a sub-theme of theme 1; charts are per theme'],
      ['unknown-theme', 'themes: 1 Needs, 2 Outcomes'],
    ]);
  });
});
