import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findAll, findWithin, foldText } from '../../src/anchor/quote.js';

describe('quote matching', () => {
  const text = 'RESP: I said “no”,\n   I won\u2019t go\u00a0back.\nRESP: I said no again.';

  it('ignores white space, line breaks and curly quotes', () => {
    const hits = findAll(foldText(text), 'I said "no", I won\'t go back.');
    expect(hits).toHaveLength(1);
    const [s, e] = hits[0];
    expect(text.slice(s, e)).toBe('I said “no”,\n   I won\u2019t go\u00a0back.');
  });

  it('finds every occurrence', () => {
    expect(findAll(foldText(text), 'I said')).toHaveLength(2);
  });

  it('ignores zero-width characters in the transcript', () => {
    expect(findAll(foldText('a\u200bbc'), 'abc')).toEqual([[0, 4]]);
  });

  it('is exact otherwise', () => {
    expect(findAll(foldText(text), 'i said')).toEqual([]);
  });

  it('finds any substring of the text that starts and ends on a visible character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.nat(), fc.nat(), (s, a, b) => {
        const from = a % s.length;
        const to = from + 1 + (b % (s.length - from));
        const sub = s.slice(from, to);
        fc.pre(/^\S/.test(sub) && /\S$/.test(sub) && !/[\ud800-\udfff\u200b-\u200d\u2060\ufeff\u00ad]/.test(s));
        const hits = findAll(foldText(s), sub);
        expect(hits.some(([x, y]) => x === from && y === to)).toBe(true);
      }),
    );
  });
});

describe('folded offsets', () => {
  const text = fc.array(fc.constantFrom('a', 'b', ' ', '   ', '\n\n', '\u200b', '\u2019', 'x\u00a0 y'), { maxLength: 30 }).map((u) => u.join(''));

  it('map each kept character to the original and back', () => {
    fc.assert(
      fc.property(text, (t) => {
        const f = foldText(t);
        for (let i = 0; i < f.text.length; i++) {
          const o = f.origin(i);
          expect(f.folded(o)).toBe(i);
          if (f.text[i] !== ' ') expect(foldText(t[o]).text).toBe(f.text[i]);
        }
        expect(f.origin(f.text.length)).toBeLessThanOrEqual(t.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('find a quote within a range exactly when a match lies inside it', () => {
    fc.assert(
      fc.property(text, text, fc.nat(), fc.nat(), (t, q, a, b) => {
        const lo = Math.min(a, b) % (t.length + 1);
        const hi = Math.max(a, b) % (t.length + 1);
        const f = foldText(t);
        const inside = findAll(f, q).filter(([s, e]) => s >= lo && e <= hi);
        const got = findWithin(f, q, Math.min(lo, hi), Math.max(lo, hi));
        if (lo <= hi) expect(got).toEqual(inside[0]);
      }),
      { numRuns: 2000 },
    );
  });

  // The rules, one character at a time: what foldText must agree with, offsets included.
  function reference(s: string): { text: string; origin: number[]; folded: number[] } {
    const space = (c: string) => /[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(c);
    const invisible = (c: string) => /[\xad\u200b-\u200d\u2060\ufeff]/.test(c);
    const mark = (c: string) => (/[`\u2018-\u201b\u2032\xb4]/.test(c) ? "'" : /[\u201c-\u201f\u2033\xab\xbb]/.test(c) ? '"' : c);
    let text = '';
    const origin: number[] = [];
    const folded: number[] = [];
    for (let i = 0; i < s.length; ) {
      if (!space(s[i]) && !invisible(s[i])) {
        folded.push(text.length);
        origin.push(i);
        text += mark(s[i++]);
        continue;
      }
      let j = i;
      while (j < s.length && (space(s[j]) || invisible(s[j]))) j++;
      const run = s.slice(i, j);
      for (let k = i; k < j; k++) folded.push(text.length);
      if ([...run].some(space)) {
        // The run's one space stands where the run began.
        origin.push(i);
        text += ' ';
      }
      i = j;
    }
    folded.push(text.length);
    origin.push(s.length);
    return { text, origin, folded };
  }

  it('folds as the rules say, character by character, with offsets that map both ways', () => {
    const alphabet = ['a', 'Z', ' ', '\n', '\t', '\r', '`', '\u2019', '\u201c', '\u00a0', '\u200b', '\u00ad', '\ufeff', '\u3000', '\u0085', 'é', '😀', '\u0001', '"', "'"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }), (chars) => {
        const s = chars.join('');
        const f = foldText(s);
        const r = reference(s);
        expect(f.text).toBe(r.text);
        // Each folded character maps back to where it came from; each offset of the original forward.
        for (let k = 0; k <= r.text.length; k++) expect(f.origin(k)).toBe(r.origin[k]);
        for (let o = 0; o <= s.length; o++) expect(f.folded(o)).toBe(r.folded[o]);
      }),
      { numRuns: 3000 },
    );
  });
});
