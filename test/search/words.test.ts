import { describe, expect, it } from 'vitest';
import { stem, termMatcher, tokenize } from '../../src/nlp/words.js';

describe('tokenize', () => {
  it('finds words with their offsets, apostrophes and hyphens inside them, lower-cased', () => {
    const text = 'RESP: I don’t want co-codamol — 40ml, not 60.';
    const t = tokenize(text);
    expect(t.words).toEqual(['resp', 'i', "don't", 'want', 'co-codamol', '40ml', 'not', '60']);
    expect([...t.starts].map((s, i) => text.slice(s, s + t.lengths[i]))).toEqual(['RESP', 'I', 'don’t', 'want', 'co-codamol', '40ml', 'not', '60']);
  });
});

describe('termMatcher', () => {
  const finds = (term: string, words: string[]) => words.filter(termMatcher(term));

  it('finds a word by its stem', () => {
    expect(finds('waiting', ['wait', 'waited', 'waits', 'waiter', 'await'])).toEqual(['wait', 'waited', 'waits']);
    expect(stem('motivation')).toBe(stem('motivated'));
  });

  it('finds the words a truncation reaches past the stem of, not every word it begins', () => {
    expect(finds('motivat', ['motivated', 'motivation', 'motive', 'motivating'])).toEqual(['motivated', 'motivation', 'motivating']);
    expect(finds('go', ['go', 'going', 'government', 'good'])).toEqual(['go', 'going']);
  });

  it('finds every word a term with * begins', () => {
    expect(finds('meth*', ['methadone', 'meth', 'method', 'amphetamine'])).toEqual(['methadone', 'meth', 'method']);
  });

  it('treats case and curly apostrophes alike', () => {
    expect(finds('Don’t', ["don't"])).toEqual(["don't"]);
  });
});
