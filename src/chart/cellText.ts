import type { Cell, Entry } from '../model/matrix.js';
import type { QuoteMode } from '../model/types.js';

/**
 * A cell as lines of text, the one rendering that CSV, Markdown and spreadsheets share:
 * `summary (P07:112-118*)`, `[Note: …]` for researcher comments, `"…" (P07:112-118)` for verbatim
 * quotes, and the states `[not summarised]`, `[not discussed]`, `[not asked]`.
 */
export function cellLines(cell: Cell, quotes: QuoteMode): string[] {
  const out: string[] = [];
  // One reference per passage: two coders' identical spans are one place in the transcript.
  const refs = (es: Entry[]) => {
    const marks = new Map<string, boolean>();
    for (const e of es) marks.set(e.ref, (marks.get(e.ref) ?? false) || e.key);
    return [...marks].map(([ref, key]) => ref + (quotes !== 'none' && key ? '*' : '')).join('; ');
  };
  const withRefs = (text: string, es: Entry[]) => (es.length ? `${text} (${refs(es)})` : text);
  const quote = (e: Entry) => {
    if (quotes === 'full' && e.quote) out.push(`"${e.quote}" (${e.ref})`);
  };
  switch (cell.state) {
    case 'empty':
      return out;
    case 'cell-summary':
    case 'not-discussed':
    case 'not-asked':
      out.push(withRefs(cell.state === 'cell-summary' ? cell.summary! : `[${cell.state.replace('-', ' ')}]`, cell.entries));
      if (cell.note) out.push(`[Note: ${cell.note}]`);
      for (const e of cell.entries) {
        if (e.note) out.push(`[Note: ${e.note} (${e.ref})]`);
        quote(e);
      }
      return out;
    default:
      for (const e of cell.entries) {
        out.push(withRefs(e.summary ?? '[not summarised]', [e]));
        if (e.note) out.push(`[Note: ${e.note}]`);
        quote(e);
      }
      return out;
  }
}
