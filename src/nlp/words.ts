/**
 * Words and their stems, for search and suggestions. English Porter stemming from natural, imported
 * by its single file (the package root prints to stdout and reads .env; see distance.ts).
 */
import { createRequire } from 'node:module';
import type porterModule from 'natural/lib/natural/stemmers/porter_stemmer.js';

// Loaded when a word's stem is first needed: a search whose words the index already knows needs none.
const require = createRequire(import.meta.url);
let porter: typeof porterModule | undefined;

/**
 * A word: letters and digits, with inner apostrophes (`don't`, `O'Neill`) and hyphens (`drug-free`,
 * `co-codamol`) kept inside it, as a reader would count words.
 */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export interface Tokens {
  /** UTF-16 offset of each word in the text. */
  starts: Int32Array;
  /** Its length in UTF-16 units. */
  lengths: Uint16Array;
  /** Its lower-case form. */
  words: string[];
}

export function tokenize(text: string): Tokens {
  const starts: number[] = [];
  const lengths: number[] = [];
  const words: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    starts.push(m.index);
    lengths.push(Math.min(m[0].length, 0xffff));
    words.push(normalWord(m[0]));
  }
  return { starts: Int32Array.from(starts), lengths: Uint16Array.from(lengths), words };
}

/** Lower case, the curly apostrophe as the straight one: `Don’t` and `don't` are one word. */
export function normalWord(w: string): string {
  const lower = w.toLowerCase();
  return lower.includes('’') ? lower.replace(/’/g, "'") : lower;
}

const stems = new Map<string, string>();

/** The Porter stem of a lower-case word (remembered: a corpus has far fewer words than tokens). */
export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    // The possessive is not part of the word: methadone's is methadone.
    const w = word.endsWith("'s") ? word.slice(0, -2) : word;
    s = /^[a-z'-]+$/.test(w) ? (porter ??= require('natural/lib/natural/stemmers/porter_stemmer.js') as typeof porterModule).stem(w) : w;
    stems.set(word, s);
  }
  return s;
}

/** Remembers stems worked out before (a search index keeps its vocabulary's). */
export function knownStems(words: string[], stemsOfWords: string[]): void {
  words.forEach((w, i) => stems.set(w, stemsOfWords[i]));
}

/**
 * Whether a query term finds a word: by its stem (`waiting` finds `waited`), or as a truncation that
 * reaches past the word's stem (`motivat` finds `motivated` and `motivation`, whose stem is `motiv`,
 * but `go` does not find `government`). A term ending in `*` finds every word it begins.
 */
export function termMatcher(term: string): (word: string) => boolean {
  const t = normalWord(term);
  if (t.endsWith('*')) {
    const prefix = t.slice(0, -1);
    return (w) => w.startsWith(prefix);
  }
  const s = stem(t);
  return (w) => w === t || stem(w) === s || (w.startsWith(t) && stem(w).length <= t.length);
}
