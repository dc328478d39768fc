/**
 * Quote matching that forgives what copying text out of a transcript changes: runs of white space and
 * line breaks count as one space, curly quotes equal straight ones, and invisible characters (zero-width
 * spaces, soft hyphens, BOMs) are ignored. Everything else must match exactly.
 */

/** What a UTF-16 unit becomes when folded: a space, nothing (invisible), or a plain quote mark. */
const SPACE = -1;
const DROP = -2;

function classify(c: number): number {
  if (c < 0x80) {
    if (c === 32 || (c >= 9 && c <= 13)) return SPACE;
    return c === 0x60 ? 0x27 : c;
  }
  switch (c) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return SPACE;
    case 0xad:
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0x2060:
    case 0xfeff:
      return DROP;
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x2032:
    case 0xb4:
      return 0x27; // '
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2033:
    case 0xab:
    case 0xbb:
      return 0x22; // "
  }
  return c >= 0x2000 && c <= 0x200a ? SPACE : c;
}

/** A text folded for matching, with the offset in the original text of every folded character. */
export interface Folded {
  text: string;
  /** origin[i] = UTF-16 offset in the original of folded character i; origin[text.length] = end. */
  origin: Int32Array;
}

/** Folds a whole transcript; one pass over character codes, since transcripts can be large. */
export function foldText(original: string): Folded {
  const n = original.length;
  const units = new Uint16Array(n);
  const origin = new Int32Array(n + 1);
  let len = 0;
  let pendingSpace = -1;
  for (let i = 0; i < n; i++) {
    const k = classify(original.charCodeAt(i));
    if (k === DROP) continue;
    if (k === SPACE) {
      if (pendingSpace === -1) pendingSpace = i;
      continue;
    }
    if (pendingSpace !== -1) {
      // Leading space is dropped; a run of space inside becomes one.
      if (len > 0) {
        units[len] = 0x20;
        origin[len++] = pendingSpace;
      }
      pendingSpace = -1;
    }
    units[len] = k;
    origin[len++] = i;
  }
  origin[len] = pendingSpace !== -1 ? pendingSpace : n;
  let text = '';
  for (let i = 0; i < len; i += 8192) text += String.fromCharCode(...units.subarray(i, Math.min(len, i + 8192)));
  return { text, origin: origin.subarray(0, len + 1) };
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
