import { Workbook } from '@cj-tech-master/excelts';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cellText, readWorkbookSheets } from '../../src/summaries/read.js';
import { renderWorkbook, sheetNames, XLSX_CELL_LIMIT, type WorkbookInput } from '../../src/render/xlsx.js';

function input(over: Partial<WorkbookInput> = {}): WorkbookInput {
  return {
    title: 'A & B study',
    frameTitle: 'Frame',
    template: false,
    quotes: 'marked',
    options: { quotes: 'marked' },
    inputs: [{ path: 'dtors.yaml', sha256: 'a'.repeat(64) }],
    sheets: [
      {
        theme: { id: '1', label: 'Needs: [all] of them?' },
        header: ['case', 'route', '1.1 Scripts', '1.2 Support'],
        rows: [
          ['001', 'cj', '=1+1 looks like a formula (P1:2)', ''],
          ['P2', '', 'two\nlines (P2:3-4*)\n[Note: a note]', '[not discussed]'],
        ],
        attributes: 1,
        codes: ['1.1', '1.2'],
        coding: [
          ['c1', 'c2'],
          ['c3', 'c4'],
        ],
      },
    ],
    ...over,
  };
}

describe('the chart workbook', () => {
  it('holds every cell as the same text, as text (never a formula or a number)', async () => {
    const w = await renderWorkbook(input());
    const back = await readWorkbookSheets(w.bytes, 'charts.xlsx');
    if (!('sheets' in back)) throw new Error(back.message);
    expect(back.sheets.map((s) => s.name)).toEqual(['1 Needs all of them']);
    expect(back.sheets[0].header).toEqual(input().sheets[0].header);
    expect(back.sheets[0].rows).toEqual(input().sheets[0].rows);
    const xml = strFromU8(unzipSync(w.bytes)['xl/worksheets/sheet2.xml']);
    expect(xml).not.toMatch(/<f>/);
    expect(xml).toMatch(/t="s"/);
    // Frozen header row and case column; wrapped text.
    expect(xml).toMatch(/<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"\/>/);
    expect(strFromU8(unzipSync(w.bytes)['xl/styles.xml'])).toMatch(/wrapText="1"/);
    // & in a print header is written && (a lone & starts a code there).
    expect(xml).toMatch(/&amp;L1 Needs: \[all\] of them\?&amp;RA &amp;&amp; B study/);
  });

  it('gives the same bytes every time, and keeps a hidden record of every cell', async () => {
    const a = await renderWorkbook(input());
    await new Promise((r) => setTimeout(r, 1100));
    const b = await renderWorkbook(input());
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const back = await readWorkbookSheets(a.bytes, 'charts.xlsx');
    if (!('sheets' in back)) throw new Error(back.message);
    expect([...back.records!.keys()].map((k) => k.replace('\u0000', ' '))).toEqual(['001 1.1', '001 1.2', 'P2 1.1', 'P2 1.2']);
    expect(back.records!.get('P2\u00001.1')!.coding).toBe('c3');
    expect(back.options).toEqual({ quotes: 'marked', template: false });
    const wb = new Workbook();
    await wb.xlsx.load(Buffer.from(a.bytes));
    expect(wb.worksheets.map((s) => [s.name, s.state])).toEqual([
      ['Index', 'visible'],
      ['1 Needs all of them', 'visible'],
      ['dtors', 'veryHidden'],
    ]);
    const index = wb.getWorksheet('Index')!;
    const texts: string[] = [];
    index.eachRow((r) => texts.push(Array.from(r.values as unknown[], (v) => cellText(v as never)).slice(1).join(' | ')));
    expect(texts).toContain('dtors.yaml | ' + 'a'.repeat(64));
    expect(texts.some((t) => t.startsWith('[not summarised]'))).toBe(true);
  });

  it('cuts a cell too long for a workbook and replaces characters it cannot hold, saying where', async () => {
    const long = 'x'.repeat(XLSX_CELL_LIMIT + 10);
    const i = input();
    i.sheets[0].rows[0][2] = long;
    i.sheets[0].rows[1][3] = 'bell\u0007 and escape\u001b';
    const w = await renderWorkbook(i);
    expect(w.cut).toEqual([{ sheet: '1 Needs all of them', case: '001', column: '1.1 Scripts' }]);
    expect(w.replaced).toEqual([{ sheet: '1 Needs all of them', case: 'P2', column: '1.2 Support' }]);
    const back = await readWorkbookSheets(w.bytes, 'charts.xlsx');
    if (!('sheets' in back)) throw new Error(back.message);
    expect(back.sheets[0].rows[0][2].length).toBe(XLSX_CELL_LIMIT);
    expect(back.sheets[0].rows[0][2]).toMatch(/\[cut here: 10\+ more characters are in the CSV and Markdown charts\]$/);
    expect(back.sheets[0].rows[1][3]).toBe('bell\ufffd and escape\ufffd');
  });

  it('names sheets as Excel allows: 31 characters, no \\ / ? * [ ] :, unique without regard to case', () => {
    const names = sheetNames([
      { id: '1', label: 'A label far longer than thirty-one characters' },
      { id: '1', label: 'A label far longer than thirty-one characters too' },
      { id: 'index', label: '' }, // the Index sheet has that name already
      { id: '2', label: 'What? *Now* [x]/y\\z:' },
    ]);
    expect(names).toEqual(['1 A label far longer than thirt', '1 A label far longer than t (2)', 'index (2)', '2 What Now x y z']);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(31);
  });
});
