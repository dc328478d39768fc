/**
 * The plain data that flows through dtors: files → Project → Segments → Matrix[] → text.
 * Nothing here does I/O; every stage returns diagnostics as values instead of throwing.
 */

export type Severity = 'error' | 'warning';

/** A problem in the user's files, reported as `file:line:col: severity CODE: message`. */
export interface Diagnostic {
  severity: Severity;
  /** Stable kebab-case code, documented in docs/errors.md. */
  code: string;
  message: string;
  /** Absolute path of the file the problem is in, when there is one. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column, in characters (code points). */
  col?: number;
  /** A suggestion for the fix ("did you mean …"). */
  hint?: string;
}

/** A position in an input file. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

/** One speaker turn in a transcript. */
export interface Turn {
  /** 0-based index of the line the turn starts on. */
  line: number;
  label: string;
  interviewer: boolean;
  /** UTF-16 offset in `Transcript.text` where the turn's words start (after the label). */
  textStart: number;
}

export interface Transcript {
  /** File name without `.txt`. */
  id: string;
  /** Absolute path. */
  path: string;
  /** Text with line ends normalised to LF (BOM removed). */
  text: string;
  /** UTF-16 offset of the start of each line in `text`. */
  lineStarts: number[];
  /** Number of lines as an editor shows them (a final line end does not start a new line). */
  lineCount: number;
  turns: Turn[];
  /** For each line, the index into `turns` of the turn it belongs to, or -1 before the first turn. */
  lineTurn: Int32Array;
  /**
   * What the file system said of the file when it was read (or trusted unread, see LoadOptions.known);
   * only for a file read without a diagnostic, as only such a file may be trusted next time.
   */
  stamp?: FileStamp;
}

/** A file's size and times, as a stat shows them: while they stay the same, so (almost surely) do its bytes. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface FrameNode {
  id: string;
  label: string;
  description?: string;
  include?: string;
  exclude?: string;
  keywords: string[];
  /** 0 = theme, 1 = sub-theme, 2+ = deeper levels that roll up into their sub-theme. */
  depth: number;
  parent?: string;
  /** Id of the theme this node belongs to. */
  theme: string;
  /** Id of the chart column this node's coding goes to (its sub-theme, or the theme itself). */
  column: string;
  pos?: Pos;
}

export interface Theme {
  id: string;
  label: string;
  description?: string;
  /** Sub-theme ids in frame order. */
  subthemes: string[];
}

export interface Frame {
  title?: string;
  themes: Theme[];
  /** Every node by id, all levels. */
  nodes: Map<string, FrameNode>;
  /** Node ids in document order. */
  order: string[];
}

/** A span of lines (1-based, inclusive). */
export interface LineRange {
  start: number;
  end: number;
}

/** One coded passage as the analyst wrote it. */
export interface Annotation {
  /** Position of the annotation in load order across all files (stable tie-breaker). */
  index: number;
  file: string;
  id?: string;
  transcript: string;
  code: string;
  lines?: LineRange;
  /** Which field gave the lines: `lines`, or `start` and `end`. */
  linesField?: 'lines' | 'start';
  quote?: string;
  summary?: string;
  note?: string;
  key: boolean;
  coder?: string;
  /** Where a field (or the row itself, for `undefined`) is in its file. */
  at: (field?: string) => Pos;
  /** The row's place in its file (YAML list index, or CSV record index): what `reanchor` rewrites. */
  row: number;
}

export interface Case {
  id: string;
  transcripts: string[];
  attributes: Record<string, string>;
  at: (field?: string) => Pos;
}

export type Absence = 'not discussed' | 'not asked';

export interface CellSummary {
  case: string;
  code: string;
  summary: string;
  absence?: Absence;
  note?: string;
  coder?: string;
  at: (field?: string) => Pos;
}

/** Where the turn pattern and interviewer labels come from. */
export interface SpeakerConfig {
  pattern: RegExp;
  interviewer: string[];
}

export type QuoteMode = 'none' | 'marked' | 'full';

export interface ChartDefaults {
  sort?: string[];
  attributes?: string[];
  quotes?: QuoteMode;
  interviewer?: boolean;
  coders?: string[];
}

/** An input file and its bytes' hash, for the manifest. */
export interface InputFile {
  path: string;
  sha256: string;
}

export interface Project {
  /** Folder holding dtors.yaml. */
  root: string;
  configPath: string;
  title?: string;
  frame: Frame;
  transcripts: Map<string, Transcript>;
  /** Ids of transcripts that exist but could not be read (already reported; not reported again). */
  unreadable: Set<string>;
  annotations: Annotation[];
  /** Cases in file order (or one per transcript when there is no cases file). */
  cases: Case[];
  /** Attribute column names in cases-file order. */
  attributeNames: string[];
  summaries: CellSummary[];
  /** The summaries file dtors.yaml names (absolute), if it names one. */
  summariesPath?: string;
  speakers: SpeakerConfig;
  chart: ChartDefaults;
  /** Every file read, with its hash. */
  inputs: InputFile[];
}

/** An annotation resolved to an exact span of a transcript. */
export interface Segment {
  annotation: Annotation;
  transcript: Transcript;
  /** 1-based inclusive lines. */
  startLine: number;
  endLine: number;
  /** UTF-16 offsets in `transcript.text`, end exclusive. */
  start: number;
  end: number;
}
