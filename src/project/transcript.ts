import type { FileStamp, SpeakerConfig, Transcript, Turn } from '../model/types.js';
import { codePointLength, floorIndex } from './text.js';

/**
 * A line that starts with a label and a colon starts a turn: `INT:`, `Respondent:`,
 * `[00:10] PARTICIPANT 1:`, `Dr Shah:`. Labels are up to three words, each starting with a capital
 * letter or digit (the first with a letter), so a wrapped line such as "so I said: no" is not a turn.
 */
export const DEFAULT_SPEAKER_PATTERN = String.raw`^\s*(?:\[[^\]\n]{1,20}\]\s*)?([A-Z][\w'-]*(?: [A-Z0-9][\w'-]*){0,2})\s*:(?=\s|$)`;

export const DEFAULT_INTERVIEWER_LABELS = ['INT', 'Interviewer', 'I', 'IV', 'Q'];

export function defaultSpeakers(): SpeakerConfig {
  return { pattern: new RegExp(DEFAULT_SPEAKER_PATTERN), interviewer: DEFAULT_INTERVIEWER_LABELS };
}

/** Splits decoded text into lines (CRLF, CR and LF end a line; nothing else does) and speaker turns. */
export function buildTranscript(id: string, path: string, decoded: string, speakers: SpeakerConfig): Transcript {
  const text = decoded.includes('\r') ? decoded.replace(/\r\n?/g, '\n') : decoded;
  const lineStarts = lineStartsOf(text);
  const lineCount = text.length === 0 ? 0 : lineStarts.length;
  // Turns are found when first asked for: trying the speaker pattern on every line is most of the work
  // of reading a transcript, and a search reads a thousand transcripts to quote from a few.
  let found: { turns: Turn[]; lineTurn: Int32Array } | undefined;
  const turnsOf = () => (found ??= findTurns(text, lineStarts, lineCount, speakers));
  return {
    id,
    path,
    text,
    lineStarts,
    lineCount,
    get turns() {
      return turnsOf().turns;
    },
    get lineTurn() {
      return turnsOf().lineTurn;
    },
  };
}

/**
 * A transcript whose text is read when first asked for (see LoadOptions.known): a search of a large
 * study reads only the transcripts it quotes from. `read` returns the decoded text.
 */
export function lazyTranscript(id: string, path: string, read: () => string, speakers: SpeakerConfig, stamp: FileStamp): Transcript {
  let built: Transcript | undefined;
  const t = () => (built ??= buildTranscript(id, path, read(), speakers));
  return {
    id,
    path,
    stamp,
    get text() {
      return t().text;
    },
    get lineStarts() {
      return t().lineStarts;
    },
    get lineCount() {
      return t().lineCount;
    },
    get turns() {
      return t().turns;
    },
    get lineTurn() {
      return t().lineTurn;
    },
  };
}

function findTurns(text: string, lineStarts: number[], lineCount: number, speakers: SpeakerConfig): { turns: Turn[]; lineTurn: Int32Array } {
  const interviewer = new Set(speakers.interviewer.map((l) => l.toLowerCase()));
  // Tried on each line on its own: on the whole text, a pattern such as `^\s*` or `[^:]+` would run on
  // across line ends, through every blank line below, and a long run of them would take quadratic time.
  const pattern = new RegExp(speakers.pattern.source, speakers.pattern.flags.replace(/[gym]/g, ''));
  const turns: Turn[] = [];
  const lineTurn = new Int32Array(lineCount).fill(-1);
  let current = -1;
  for (let l = 0; l < lineCount; l++) {
    const start = lineStarts[l];
    const end = l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : text.length;
    // A blank line starts no turn (a label is never empty), and it is a third of many transcripts.
    const m = end > start ? pattern.exec(text.slice(start, end)) : null;
    if (m && m.index === 0 && (m[1] ?? m[0]).trim() !== '') {
      const label = (m[1] ?? m[0]).trim();
      let textStart = start + m[0].length;
      while (textStart < end && (text[textStart] === ' ' || text[textStart] === '\t')) textStart++;
      turns.push({ line: l, label, interviewer: interviewer.has(label.toLowerCase()), textStart });
      current = turns.length - 1;
    }
    lineTurn[l] = current;
  }
  return { turns, lineTurn };
}

/** UTF-16 offsets where the lines of an LF text start, numbered as an editor numbers them. */
export function lineStartsOf(text: string): number[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // A final line end closes the last line rather than opening an empty one, as editors number them.
  if (lineStarts.length > 1 && lineStarts[lineStarts.length - 1] === text.length) lineStarts.pop();
  return lineStarts;
}

/** UTF-16 offset just past the last character of 1-based `line` (before its line end). */
export function lineEnd(t: Transcript, line: number): number {
  if (line < t.lineStarts.length) return t.lineStarts[line] - 1;
  return t.text.endsWith('\n') ? t.text.length - 1 : t.text.length;
}

/** 1-based line holding UTF-16 offset `offset`. */
export function lineOf(t: Transcript, offset: number): number {
  return floorIndex(t.lineStarts, offset) + 1;
}

const cpLineStarts = new WeakMap<Transcript, Int32Array | null>();

/**
 * Code-point offset of UTF-16 offset `offset`: the unit REFI-QDA and dtors show. Most transcripts
 * have no astral characters, and then the two are the same; otherwise line starts are counted once.
 */
export function codePointOffset(t: Transcript, offset: number): number {
  let starts = cpLineStarts.get(t);
  if (starts === undefined) {
    starts = /[\ud800-\udbff]/.test(t.text) ? new Int32Array(t.lineStarts.length) : null;
    if (starts) for (let i = 1; i < t.lineStarts.length; i++) starts[i] = starts[i - 1] + codePointLength(t.text, t.lineStarts[i - 1], t.lineStarts[i]);
    cpLineStarts.set(t, starts);
  }
  if (!starts) return offset;
  const line = lineOf(t, offset) - 1;
  return starts[line] + codePointLength(t.text, t.lineStarts[line], offset);
}
