// The only way into `natural`: its package root prints dotenv lines to stdout, reads ./.env and costs
// ~0.6 s, so only single files are imported, and only here. Both libraries are loaded when first
// used: "did you mean" hints are for runs that found a mistake, and every command loads this file.
import { createRequire } from 'node:module';
import type levenshteinModule from 'natural/lib/natural/distance/levenshtein_distance.js';
import { naturalCompare } from '../project/text.js';

const require = createRequire(import.meta.url);
let levenshtein: typeof levenshteinModule | undefined;
let fastest: typeof import('fastest-levenshtein') | undefined;

/**
 * The candidates nearest to `word` by Damerau-Levenshtein distance (case-insensitive), close enough
 * to be a plausible typo: at most a third of the word's length, and at least 1. Ties are broken in
 * natural order so the hint never depends on input order.
 */
export function nearest(word: string, candidates: Iterable<string>, limit = 1): string[] {
  const w = word.trim().toLowerCase();
  if (!w) return [];
  const max = Math.max(1, Math.floor(w.length / 3));
  const scored: { c: string; d: number; exact: number }[] = [];
  levenshtein ??= require('natural/lib/natural/distance/levenshtein_distance.js') as typeof levenshteinModule;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (Math.abs(lc.length - w.length) > max) continue;
    const d = levenshtein.DamerauLevenshteinDistance(w, lc);
    // Between equally near candidates, the one that also matches the typed capitals comes first.
    if (d <= max) scored.push({ c, d, exact: levenshtein!.DamerauLevenshteinDistance(word.trim(), c) });
  }
  scored.sort((a, b) => a.d - b.d || a.exact - b.exact || naturalCompare(a.c, b.c));
  return scored.slice(0, limit).map((s) => s.c);
}

/**
 * Levenshtein distance (insertions, deletions, substitutions) between two texts. fastest-levenshtein's
 * bit-parallel (Myers) implementation: natural's takes a full matrix per call, and re-anchoring compares
 * two contexts for every candidate place of every drifted passage.
 */
export function editDistance(a: string, b: string): number {
  fastest ??= require('fastest-levenshtein') as typeof import('fastest-levenshtein');
  return fastest.distance(a, b);
}
