/**
 * Quote matching that forgives what copying text out of a transcript changes: runs of white space and
 * line breaks count as one space, curly quotes equal straight ones, and invisible characters (zero-width
 * spaces, soft hyphens, BOMs) are ignored. Everything else must match exactly.
 */

const SINGLE = /[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/;
const DOUBLE = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/;
const INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u00ad]/;
const SPACE = /[\s\u00a0\u2028\u2029]/;

function fold(ch: string): string {
  if (SINGLE.test(ch)) return "'";
  if (DOUBLE.test(ch)) return '"';
  return ch;
}

/** A text folded for matching, with the offset in the original text of every folded character. */
export interface Folded {
  text: string;
  /** origin[i] = UTF-16 offset in the original of folded character i; origin[text.length] = end. */
  origin: Int32Array;
}

export function foldText(original: string): Folded {
  const origin = new Int32Array(original.length + 1);
  let out = '';
  const parts: string[] = [];
  let n = 0;
  let pendingSpace = -1;
  for (let i = 0; i < original.length; i++) {
    const ch = original[i];
    if (INVISIBLE.test(ch)) continue;
    if (SPACE.test(ch)) {
      if (pendingSpace === -1) pendingSpace = i;
      continue;
    }
    if (pendingSpace !== -1) {
      if (n > 0) {
        parts.push(' ');
        origin[n++] = pendingSpace;
      }
      pendingSpace = -1;
    }
    parts.push(fold(ch));
    origin[n++] = i;
  }
  out = parts.join('');
  origin[n] = pendingSpace !== -1 ? pendingSpace : original.length;
  return { text: out, origin: origin.subarray(0, n + 1) };
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
    hits.push([folded.origin[i], folded.origin[endChar] + 1]);
  }
  return hits;
}

/** Whether the quote would match if upper and lower case were not told apart (for a hint only). */
export function matchesIgnoringCase(folded: Folded, quote: string): boolean {
  const q = foldQuote(quote).toLowerCase();
  return q !== '' && folded.text.toLowerCase().includes(q);
}
