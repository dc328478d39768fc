/** The chart as data: what every renderer (Markdown, CSV, JSON, long) reads. */

export type CellState = 'empty' | 'not-summarised' | 'summarised' | 'cell-summary' | 'not-discussed' | 'not-asked';

/** One coded passage in a cell. */
export interface Entry {
  transcript: string;
  /** 1-based inclusive lines. */
  startLine: number;
  endLine: number;
  /** 0-based code-point offsets in the LF-normalised transcript, end exclusive (the REFI-QDA rule). */
  start: number;
  end: number;
  /** `P07:112-118` (no key mark). */
  ref: string;
  key: boolean;
  /** The code as coded (may be below the column's sub-theme). */
  code: string;
  summary?: string;
  /** The summary is an extractive `[auto]` one (chart --auto-summary), not the analyst's. */
  auto?: boolean;
  note?: string;
  coder?: string;
  id?: string;
  /** The verbatim passage, white space collapsed; absent when nothing of it is left to quote. */
  quote?: string;
  speaker?: string;
}

export interface Cell {
  /** Column code: a sub-theme id, or the theme id for the general column. */
  code: string;
  state: CellState;
  /** A cell summary (or recorded absence) from the summaries file. */
  summary?: string;
  note?: string;
  coder?: string;
  entries: Entry[];
}

export interface Column {
  code: string;
  label: string;
  /** `1.1 Substitute prescribing`, or `1 Needs from drug treatment (general)`. */
  header: string;
  general: boolean;
}

export interface Row {
  case: string;
  attributes: Record<string, string>;
  cells: Cell[];
}

export interface Matrix {
  theme: { id: string; label: string; description?: string };
  /** Attribute columns shown after `case`. */
  attributes: string[];
  columns: Column[];
  rows: Row[];
}

/** The long layout's own columns, after the case and its attributes; no case attribute may take these names. */
export const LONG_COLUMNS: readonly string[] = ['theme', 'code', 'label', 'ref', 'start', 'end', 'key', 'summary', 'note', 'quote', 'coder'];
