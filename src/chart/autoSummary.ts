/**
 * Extractive summaries for passages the analyst has not summarised (`dtors chart --auto-summary`):
 * the participant's own words, chosen, never rewritten, and always marked `[auto]` so they cannot pass
 * for the analyst's summary.
 *
 * The scoring, in full: the passage's respondent words (interviewer turns left out) are split into
 * sentences. A word counts if it is not a stopword; its weight is how often its stem occurs in all the
 * passages of the same chart cell (what the case said on this sub-theme) times its inverse document
 * frequency over every coded passage of the project (so words every passage has count little), doubled
 * when it is one of the sub-theme's keywords. A sentence scores the sum of its words' weights divided by
 * the square root of its number of counted words (so long sentences do not win by length alone). The
 * best sentence is taken; while the summary is under 12 words, the next best is added; sentences keep
 * their order in the passage. The result is cut at 40 words.
 */
import { isStopword } from '../nlp/stopwords.js';
import { stem, tokenize } from '../nlp/words.js';

export const AUTO_MARK = '[auto]';
const MIN_WORDS = 12;
const MAX_WORDS = 40;

/** Inverse document frequency of stems over passages, each given by its stems (`contentStems`). */
export function stemIdf(passages: string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const p of passages) for (const s of new Set(p)) df.set(s, (df.get(s) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [s, n] of df) idf.set(s, Math.log((passages.length + 1) / (n + 1)) + 1);
  return idf;
}

/** The stems of the words of a text that count (not stopwords, not one letter, not numbers). */
export function contentStems(text: string): string[] {
  return tokenize(text)
    .words.filter((w) => w.length > 1 && !isStopword(w) && /\p{L}/u.test(w))
    .map(stem);
}

/** The sentences of a passage, as the participant said them (white space collapsed). */
export function sentences(text: string): string[] {
  return (text.match(/[^.!?…]+(?:[.!?…]+["'”’)]*|$)/g) ?? [])
    .map((s) => s.replace(/^\s*(?:\/|\[…\])\s*/, '').replace(/\s+/g, ' ').trim())
    .filter((s) => /\p{L}/u.test(s));
}

/** How often each stem occurs in passages given by their stems (a cell's, worked out once per cell). */
export function stemCounts(passages: string[][]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const p of passages) for (const s of p) tf.set(s, (tf.get(s) ?? 0) + 1);
  return tf;
}

/**
 * The auto summary of one passage (`passage`, respondent words only), given the stem counts of the
 * whole cell and the project's idf. Undefined when the passage has no sentence with a word that counts.
 */
export function autoSummary(passage: string, tf: Map<string, number>, idf: Map<string, number>, keywords: string[]): string | undefined {
  const keyStems = new Set(keywords.flatMap((k) => contentStems(k)));
  const scored = sentences(passage).map((text, order) => {
    const stems = contentStems(text);
    const sum = stems.reduce((n, s) => n + (tf.get(s) ?? 0) * (idf.get(s) ?? 1) * (keyStems.has(s) ? 2 : 1), 0);
    return { text, order, score: stems.length ? sum / Math.sqrt(stems.length) : 0, words: text.split(' ').length };
  });
  const ranked = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.order - b.order);
  if (!ranked.length) return undefined;
  const chosen = [ranked[0]];
  for (const s of ranked.slice(1)) {
    if (chosen.reduce((n, c) => n + c.words, 0) >= MIN_WORDS) break;
    chosen.push(s);
  }
  let words = chosen
    .sort((a, b) => a.order - b.order)
    .map((c) => c.text)
    .join(' … ')
    .split(' ');
  if (words.length > MAX_WORDS) words = [...words.slice(0, MAX_WORDS), '…'];
  return `${AUTO_MARK} “${words.join(' ')}”`;
}
