import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellLines } from '../../src/chart/cellText.js';
import { templateLines } from '../../src/chart/template.js';
import type { Cell, Entry } from '../../src/model/matrix.js';
import { codingHash, readCellSummary, summaryHash } from '../../src/summaries/cells.js';

const entry = (over: Partial<Entry> = {}): Entry => ({ transcript: 'P07', startLine: 112, endLine: 118, start: 10, end: 90, ref: 'P07:112-118', key: false, code: '1.1', ...over });

describe('reading the analyst summary out of a cell', () => {
  it('leaves out every line dtors writes, wherever the analyst typed', () => {
    const text = [
      'First line of my summary',
      '[P07:112-118*] a passage summary',
      '[Note: a note (P07:112-118)]',
      '"the verbatim words" (P07:112-118)',
      'second line, after the passages',
      '[auto] “sentences chosen by dtors” (P07:120)',
    ].join('\n');
    expect(readCellSummary(text)).toBe('First line of my summary\nsecond line, after the passages');
  });

  it('reads a chart cell: summaries without their references, states and notes left out', () => {
    expect(readCellSummary('Wants to come off slowly (P07:112-118*)\n[Note: contrast with P03]\n[not summarised] (P07:130-131)')).toBe('Wants to come off slowly');
    expect(readCellSummary('A cell summary (P07:112-118; P08:3*; P 09 a:4-5)')).toBe('A cell summary');
    expect(readCellSummary('[not discussed]')).toBe('[not discussed]');
    expect(readCellSummary('Summary with (brackets) in it\r\nand a CRLF')).toBe('Summary with (brackets) in it\nand a CRLF');
  });

  it('gives back any summary put in a template cell, whatever the passages, notes and quotes around it', () => {
    const line = fc.stringMatching(/^[A-Za-z0-9 ,.'’;:()!?–-]{1,40}$/).filter((l) => l.trim() !== '' && !/ \([^)]*:\d/.test(l));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 3 }), fc.array(fc.record({ key: fc.boolean(), summary: fc.option(line, { nil: undefined }), note: fc.option(line, { nil: undefined }), quote: fc.option(line, { nil: undefined }) }), { maxLength: 4 }), fc.constantFrom('none', 'marked', 'full'), (summary, passages, quotes) => {
        const cell: Cell = {
          code: '1.1',
          state: 'cell-summary',
          summary: summary.join('\n'),
          entries: passages.map((p, i) => entry({ ...p, startLine: i + 1, endLine: i + 2, ref: `P07:${i + 1}-${i + 2}` })),
        };
        const want = summary.map((l) => l.trim()).join('\n').trim();
        expect(readCellSummary(templateLines(cell, quotes).join('\n'))).toBe(want);
        // The chart's own rendering of a cell summary reads back the same.
        expect(readCellSummary(cellLines(cell, quotes).join('\n'))).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a cell record', () => {
  it('changes with the passages a cell rests on, not with their marks or summaries', () => {
    const cell: Cell = { code: '1.1', state: 'summarised', entries: [entry({ summary: 'a' })] };
    const base = codingHash(cell);
    expect(codingHash({ ...cell, entries: [entry({ summary: 'b', key: true })] })).toBe(base);
    expect(codingHash({ ...cell, entries: [entry({ end: 91 })] })).not.toBe(base);
    expect(codingHash({ ...cell, entries: [entry(), entry({ transcript: 'P08', ref: 'P08:1' })] })).not.toBe(base);
  });

  it('hashes the summary as read, so that a cell and its summary alone agree', () => {
    expect(summaryHash('My words\n[P07:1-2] passage')).toBe(summaryHash('My words'));
    expect(summaryHash('My words')).not.toBe(summaryHash('My word'));
  });
});
