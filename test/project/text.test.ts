import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePointLength, LineIndex, naturalCompare } from '../../src/project/text.js';

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    expect(['P10', 'P2', 'P1', 'P02b', 'S1'].sort(naturalCompare)).toEqual(['P1', 'P2', 'P02b', 'P10', 'S1']);
  });

  it('is a total order (antisymmetric and consistent)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = naturalCompare(a, b);
        const y = naturalCompare(b, a);
        expect(Math.sign(x) + Math.sign(y)).toBe(0);
        if (x === 0) expect(a).toBe(b);
      }),
    );
  });
});

describe('LineIndex', () => {
  it('counts CRLF, CR and LF as line ends and columns in code points', () => {
    const t = 'a\r\nb\rc\n🙂x';
    const li = new LineIndex(t);
    expect(li.pos('f', t.indexOf('b'))).toEqual({ file: 'f', line: 2, col: 1 });
    expect(li.pos('f', t.indexOf('c'))).toEqual({ file: 'f', line: 3, col: 1 });
    expect(li.pos('f', t.indexOf('x'))).toEqual({ file: 'f', line: 4, col: 2 });
  });

  it('does not end lines at form feeds or U+2028', () => {
    const li = new LineIndex('a\fb\u2028c\nd');
    expect(li.pos('f', 4)).toEqual({ file: 'f', line: 1, col: 5 });
  });
});

describe('codePointLength', () => {
  it('counts an astral character once', () => {
    expect(codePointLength('a🙂b')).toBe(3);
  });
});
