/**
 * What a selection's startPosition and endPosition count. The standard says Unicode code points over
 * the plain text; NVivo 12 counts UTF-16 code units (an emoji is 2) over the file as stored, where
 * CRLF is 2. Other programs may mix the two. Which reading an exporter used shows in its selections:
 * a person selects words, so under the right reading selections start and end at word boundaries,
 * and under a wrong one they drift into the middle of words after the first emoji or line end. Each
 * reading is scored by how many selections fall on boundaries, and the best wins (the standard's
 * reading on a tie).
 */

export type Unit = 'codepoints' | 'utf16';

export interface Reading {
  unit: Unit;
  /** Whether a CRLF in the source file counts as two positions. */
  crlfTwo: boolean;
}

export const READINGS: readonly Reading[] = [
  { unit: 'codepoints', crlfTwo: false },
  { unit: 'utf16', crlfTwo: true },
  { unit: 'utf16', crlfTwo: false },
  { unit: 'codepoints', crlfTwo: true },
];

export function describeReading(r: Reading): string {
  return `${r.unit === 'codepoints' ? 'code points' : 'UTF-16 units'}${r.crlfTwo ? ', CRLF counted as 2' : ''}`;
}

/** A source's text as stored (BOM removed) and as dtors keeps it (line ends LF), with maps between readings. */
export class SourceText {
  readonly text: string;
  private readonly hasCrlf: boolean;
  private readonly hasAstral: boolean;
  private readonly cache = new Map<string, Int32Array>();

  constructor(readonly raw: string) {
    this.text = raw.replace(/\r\n?/g, '\n');
    this.hasCrlf = raw.includes('\r\n');
    this.hasAstral = /[\uD800-\uDBFF]/.test(raw);
  }

  /**
   * The reading that gives the same answers as `r` on this text and is cheapest: without astral
   * characters the units agree, without CRLF the line-end counts do. UTF-16 over LF text is `text` itself.
   */
  private effective(r: Reading): string {
    return `${this.hasAstral ? r.unit : 'utf16'}${this.hasCrlf && r.crlfTwo ? '+crlf' : ''}`;
  }

  /** Whether two readings can give different answers on this text (if not, it cannot tell them apart). */
  differs(a: Reading, b: Reading): boolean {
    return this.effective(a) !== this.effective(b);
  }

  /**
   * The UTF-16 offset in `text` that position `p` means under reading `r`, or undefined when it is past
   * the end or splits a character (half a surrogate pair, or between the CR and LF of a line end).
   */
  toOffset(p: number, r: Reading): number | undefined {
    if (!Number.isInteger(p) || p < 0) return undefined;
    const key = this.effective(r);
    if (key === 'utf16') return p <= this.text.length ? p : undefined;
    const map = this.map(key);
    if (p >= map.length) return undefined;
    const o = map[p];
    return o < 0 ? undefined : o;
  }

  /** For each position under a reading: the offset in `text`, or -1 where no character boundary is. */
  private map(key: string): Int32Array {
    let m = this.cache.get(key);
    if (m) return m;
    const crlfTwo = key.endsWith('+crlf');
    const utf16 = key.startsWith('utf16');
    const src = crlfTwo ? this.raw : this.text;
    const out = new Int32Array(src.length + 1);
    let n = 0;
    let off = 0;
    for (let i = 0; i < src.length; ) {
      const c = src.charCodeAt(i);
      if (crlfTwo && c === 0x0d && src.charCodeAt(i + 1) === 0x0a) {
        // CR LF is one LF in `text`: a position between them is no boundary.
        out[n++] = off;
        out[n++] = -1;
        off += 1;
        i += 2;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < src.length && (src.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        out[n++] = off;
        if (utf16) out[n++] = -1;
        off += 2;
        i += 2;
      } else {
        out[n++] = off;
        off += 1;
        i += 1;
      }
    }
    out[n++] = off;
    m = out.subarray(0, n);
    this.cache.set(key, m);
    return m;
  }
}

const WORD = /[\p{L}\p{N}\p{M}]/u;

/** Whether offset `o` of `text` is between words (not inside one). */
export function atBoundary(text: string, o: number): boolean {
  if (o <= 0 || o >= text.length) return true;
  return !(WORD.test(text[o - 1]) && WORD.test(text[o]));
}

export interface Scored {
  reading: Reading;
  /** Selections that fall on word boundaries at both ends. */
  fit: number;
  /** Selections that fall inside the text at all. */
  inside: number;
}

/** Scores every reading over the selections of all sources; the first of the best wins. */
export function chooseReading(sources: { text: SourceText; spans: [number, number][] }[], allowed: readonly Reading[] = READINGS): { best: Reading; scores: Scored[]; total: number } {
  const scores: Scored[] = allowed.map((reading) => ({ reading, fit: 0, inside: 0 }));
  let total = 0;
  const deltas = new Map<Scored, { fit: number; inside: number }>();
  for (const { text, spans } of sources) {
    total += spans.length;
    // Readings the text cannot tell apart score alike: each distinct one is counted once.
    const done = new Map<string, Scored>();
    for (const s of scores) {
      const same = [...done.values()].find((d) => !text.differs(d.reading, s.reading));
      const before = { fit: s.fit, inside: s.inside };
      if (same) {
        const delta = deltas.get(same)!;
        s.fit += delta.fit;
        s.inside += delta.inside;
        continue;
      }
      done.set(`${s.reading.unit}${s.reading.crlfTwo}`, s);
      for (const [p, q] of spans) {
        const a = text.toOffset(p, s.reading);
        const b = text.toOffset(q, s.reading);
        if (a === undefined || b === undefined || b < a) continue;
        s.inside++;
        if (atBoundary(text.text, a) && atBoundary(text.text, b)) s.fit++;
      }
      deltas.set(s, { fit: s.fit - before.fit, inside: s.inside - before.inside });
    }
  }
  let best = scores[0];
  for (const s of scores) if (s.inside > best.inside || (s.inside === best.inside && s.fit > best.fit)) best = s;
  return { best: best.reading, scores, total };
}
