import type { Cell, Entry } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/**
 * A cell as lines of text, the one rendering that CSV, Markdown and spreadsheets share:
 * `summary (P07:112-118*)`, `[Note: …]` for researcher comments, `"…" (P07:112-118)` for verbatim
 * quotes, and the states `[not summarised]`, `[not discussed]`, `[not asked]`.
 */
export function cellLines(cell: Cell, quotes: QuoteMode): string[] {
  // Every format renders the same cells: work each one out once.
  const memo = cache.get(cell);
  if (memo && memo.quotes === quotes) return memo.lines;
  const lines = render(cell, quotes);
  cache.set(cell, { quotes, lines });
  return lines;
}

const cache = new WeakMap<Cell, { quotes: QuoteMode; lines: string[] }>();

function render(cell: Cell, quotes: QuoteMode): string[] {
  const out: string[] = [];
  const mark = (e: Entry) => (quotes !== 'none' && e.key ? `${e.ref}*` : e.ref);
  const quote = (e: Entry) => {
    if (quotes === 'full' && e.quote) out.push(`"${e.quote}" (${e.ref})`);
  };
  switch (cell.state) {
    case 'empty':
      return out;
    case 'cell-summary':
    case 'not-discussed':
    case 'not-asked': {
      const text = cell.state === 'cell-summary' ? cell.summary! : `[${cell.state.replace('-', ' ')}]`;
      out.push(cell.entries.length ? `${text} (${refList(cell.entries, quotes)})` : text);
      if (cell.note) out.push(`[Note: ${cell.note}]`);
      // Notes and quotes of the passages the summary rests on, each once (two coders, one passage).
      const shown = new Set<string>();
      const once = (line: string) => {
        if (!shown.has(line)) out.push(line);
        shown.add(line);
      };
      for (const e of cell.entries) {
        if (e.note) once(`[Note: ${e.note} (${e.ref})]`);
        if (quotes === 'full' && e.quote) once(`"${e.quote}" (${e.ref})`);
      }
      return out;
    }
    default: {
      // Two coders' identical entries (same passage, summary and note) are one entry in the chart.
      const seen = new Set<string>();
      for (const e of cell.entries) {
        const line = `${e.summary ?? '[not summarised]'} (${mark(e)})`;
        const key = `${line}\u0000${e.note ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(line);
        if (e.note) out.push(`[Note: ${e.note}]`);
        quote(e);
      }
      return out;
    }
  }
}

/** One reference per passage: two coders' identical spans are one place in the transcript. */
function refList(entries: Entry[], quotes: QuoteMode): string {
  const marks = new Map<string, boolean>();
  for (const e of entries) marks.set(e.ref, (marks.get(e.ref) ?? false) || e.key);
  return [...marks].map(([ref, key]) => (quotes !== 'none' && key ? `${ref}*` : ref)).join('; ');
}
