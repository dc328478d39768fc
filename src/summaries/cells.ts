/**
 * What an analyst wrote in a chart cell, told apart from what dtors put there, and a record of each
 * cell as charted (`CellRecord`), by which `dtors summaries import` knows whether a cell was edited
 * and whether its coding changed since. Pure.
 */
import { sha256 } from '../project/files.js';
import type { Cell } from '../model/matrix.js';

/**
 * One passage reference, `P07:112-118` or `P07:112`, `*` for a key quote. Ids hold none of `: ; , * |`;
 * parentheses are kept out too, so that `a (b (P07:1)` reads as a summary `a (b`.
 */
const REF = String.raw`[^:;,*|\n()]+?:\d+(?:-\d+)?\*?`;
/** A line dtors writes in a template for a passage: `[P07:112-118*]`, then its summary if it has one. */
const PASSAGE_LINE = new RegExp(String.raw`^\[${REF}\](?: .*)?$`);
/** A verbatim quote (`--quotes full`): `"…" (P07:112-118)`. */
const QUOTE_LINE = new RegExp(String.raw`^".*" \(${REF}\)$`);
/** The references a chart puts after a summary: ` (P07:112-118*; P07:130)`. */
const TRAILING_REFS = new RegExp(String.raw` \(${REF}(?:; ${REF})*\)$`);

/**
 * The analyst's summary in a cell's text: every line but those dtors writes. Left out are notes
 * (`[Note: …]`), a template's passage lines (`[P07:112-118*] …`), verbatim quotes, `[auto]` sentences
 * (never the analyst's), the references after a summary, and `[not summarised]`. What is left, trimmed,
 * is the summary; `[not discussed]` and `[not asked]` stay, as they are recorded absences.
 */
export function readCellSummary(text: string): string {
  const kept: string[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (/^\[Note: .*\]$/.test(line) || PASSAGE_LINE.test(line) || QUOTE_LINE.test(line) || /^\[auto\] /.test(line)) continue;
    const bare = line.replace(TRAILING_REFS, '');
    if (bare === '[not summarised]') continue;
    kept.push(bare);
  }
  return kept.join('\n').trim();
}

/** A cell as charted: where its passages were, and the summary it showed (both as short hashes). */
export interface CellRecord {
  case: string;
  code: string;
  /** Hash of the coding the cell rests on: each passage's transcript, offsets and code. */
  coding: string;
  /** Hash of readCellSummary() of the cell's text as written. */
  summary: string;
}

function shortHash(value: unknown): string {
  return sha256(JSON.stringify(value)).slice(0, 16);
}

/**
 * The coding a cell rests on. Key-quote marks and passage summaries are left out: changing them does
 * not change what a cell summary is about.
 */
export function codingHash(cell: Cell): string {
  return shortHash(cell.entries.map((e) => [e.transcript, e.start, e.end, e.code]));
}

export function summaryHash(text: string): string {
  return shortHash(readCellSummary(text));
}
