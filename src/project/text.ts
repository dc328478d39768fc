import type { Pos } from '../model/types.js';

/**
 * Maps UTF-16 offsets in a text to 1-based line and code-point column, as an editor shows them.
 * Line ends are CRLF, CR or LF, and only those.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** Position of the character at `offset` (clamped to the text). */
  pos(file: string, offset: number): Pos {
    const off = Math.max(0, Math.min(offset, this.text.length));
    const lo = floorIndex(this.starts, off);
    return { file, line: lo + 1, col: codePointLength(this.text, this.starts[lo], off) + 1 };
  }
}

/** Index of the last element of an ascending list that is at most `x` (0 when none is). */
export function floorIndex(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Text on one line: every run of white space (line ends included) as one space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/** A value as trimmed text, or undefined when it is absent or blank (cells, YAML scalars). */
export function cleanText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** Number of code points in text[from, to). */
export function codePointLength(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Natural order: digit runs compare as numbers, so P2 sorts before P10. Locale-independent. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      // Same value, different zero padding: fewer zeros first, for a total order.
      return x.length - y.length;
    }
    const lx = x.toLowerCase();
    const ly = y.toLowerCase();
    if (lx !== ly) return lx < ly ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}
