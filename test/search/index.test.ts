import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyIndex, parseIndex, refreshIndex, serialiseIndex, type DocTurns } from '../../src/search/index.js';

/** Turns for a text: one per line, every other one the interviewer's. */
function turns(text: string): DocTurns {
  const lines = text.split('\n');
  let at = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((l) => {
    starts.push(at);
    ends.push(at + l.length);
    at += l.length + 1;
  });
  return {
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
    label: Int32Array.from(lines, (_, i) => (i === 0 ? -1 : i % 2)),
    interviewer: Uint8Array.from(lines, (_, i) => (i % 2 === 0 ? 0 : 1)),
    labels: ['RESP', 'INT'],
  };
}

describe('the search index', () => {
  it('indexes only transcripts whose key changed, and drops those gone', () => {
    const index = emptyIndex();
    const texts: Record<string, string> = { A: 'methadone helps', B: 'the keyworker listens' };
    let reads = 0;
    const list = (keys: Record<string, string>) => Object.entries(keys).map(([id, key]) => ({ id, key, text: () => (reads++, texts[id]), turns: () => turns(texts[id]) }));
    expect(refreshIndex(index, list({ A: 'a1', B: 'b1' }))).toBe(2);
    expect(refreshIndex(index, list({ A: 'a1', B: 'b1' }))).toBe(0);
    expect(reads).toBe(2);
    texts.B = 'the keyworker changed';
    expect(refreshIndex(index, list({ B: 'b2' }))).toBe(1);
    expect([...index.docs.keys()]).toEqual(['B']);
    expect([...index.docs.get('B')!.words].map((w) => index.vocabulary[w])).toEqual(['the', 'keyworker', 'changed']);
  });

  it('round-trips through bytes, and refuses bytes that are not an index', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 200 }), { maxKeys: 6 }), (texts) => {
        const index = emptyIndex();
        refreshIndex(index, Object.entries(texts).map(([id, t]) => ({ id, key: `k${t.length}`, text: () => t, turns: () => turns(t) })));
        const back = parseIndex(serialiseIndex(index))!;
        expect(back.vocabulary).toEqual(index.vocabulary);
        expect(back.stems).toEqual(index.stems);
        expect([...back.docs.keys()].sort()).toEqual([...index.docs.keys()].sort());
        for (const [id, d] of index.docs) {
          const b = back.docs.get(id)!;
          expect(b.key).toBe(d.key);
          expect([...b.starts]).toEqual([...d.starts]);
          expect([...b.lengths]).toEqual([...d.lengths]);
          expect([...b.words]).toEqual([...d.words]);
          expect({ ...b.turns, starts: [...b.turns.starts], ends: [...b.turns.ends], label: [...b.turns.label], interviewer: [...b.turns.interviewer] }).toEqual({
            ...d.turns,
            starts: [...d.turns.starts],
            ends: [...d.turns.ends],
            label: [...d.turns.label],
            interviewer: [...d.turns.interviewer],
          });
        }
      }),
      { numRuns: 100 },
    );
    const bytes = serialiseIndex(emptyIndex());
    expect(parseIndex(bytes.subarray(0, 10))).toBeUndefined();
    expect(parseIndex(new TextEncoder().encode('not an index at all'))).toBeUndefined();
    const other = Buffer.from(bytes);
    other.writeUInt32LE(99, 8);
    expect(parseIndex(other)).toBeUndefined();
  });
});
