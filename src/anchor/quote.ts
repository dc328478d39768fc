/**
 * Quote matching that forgives what copying text out of a transcript changes: runs of white space and
 * line breaks count as one space, curly quotes equal straight ones, and invisible characters (zero-width
 * spaces, soft hyphens, BOMs) are ignored. Everything else must match exactly.
 */

// Folding is done by native replaces: the first and last keep the length (white space becomes a
// space; curly quote marks become straight), and only the middle one, which collapses runs of space
// and drops invisible characters, changes it, at few enough places to record each one.
const OTHER_SPACE = /[\t\n\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
const COLLAPSE = /[ \u00ad\u200b-\u200d\u2060\ufeff]{2,}|[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const SINGLE = /[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g;
const DOUBLE = /[\u201c-\u201f\u2033\u00ab\u00bb]/g;

/** A text folded for matching, and the way back from a folded offset to the original. */
export interface Folded {
  text: string;
  /** UTF-16 offset in the original of folded character `i` (or of the end, for `text.length`). */
  origin(i: number): number;
}

/**
 * Folds a whole transcript. Only the places where the length changes are recorded (blank lines,
 * double spaces, invisible characters), and a folded offset maps back by adding what was dropped
 * before it.
 */
export function foldText(original: string): Folded {
  const at: number[] = [0]; // folded offsets from which `dropped` applies
  const dropped: number[] = [0]; // characters dropped before that point
  let lost = 0;
  const spaced = original.replace(OTHER_SPACE, ' ');
  const collapsed = spaced.replace(COLLAPSE, (run: string, offset: number) => {
    const out = run.includes(' ') ? ' ' : '';
    // From the end of this run's output on, this many more characters have been dropped.
    at.push(offset - lost + out.length);
    lost += run.length - out.length;
    dropped.push(lost);
    return out;
  });
  const text = collapsed.replace(SINGLE, "'").replace(DOUBLE, '"');
  return {
    text,
    origin(i: number): number {
      let lo = 0;
      let hi = at.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (at[mid] <= i) lo = mid;
        else hi = mid - 1;
      }
      return i + dropped[lo];
    },
  };
}

/** The quote as it is matched: folded, with leading and trailing space dropped. */
export function foldQuote(quote: string): string {
  return foldText(quote).text.trim();
}

/** Every match of `quote` in the folded text, as [start, end) offsets into the original text. */
export function findAll(folded: Folded, quote: string): [number, number][] {
  const q = foldQuote(quote);
  const hits: [number, number][] = [];
  if (!q) return hits;
  for (let i = folded.text.indexOf(q); i !== -1; i = folded.text.indexOf(q, i + 1)) {
    const endChar = i + q.length - 1;
    hits.push([folded.origin(i), folded.origin(endChar) + 1]);
  }
  return hits;
}

/** Whether the quote would match if upper and lower case were not told apart (for a hint only). */
export function matchesIgnoringCase(folded: Folded, quote: string): boolean {
  const q = foldQuote(quote).toLowerCase();
  return q !== '' && folded.text.toLowerCase().includes(q);
}
