import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findAll, foldText } from '../../src/anchor/quote.js';

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
