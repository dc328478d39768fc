import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesReader, emptyIndex, openIndex, parseIndex, refreshIndex, serialiseIndex, type DocTurns } from '../../src/search/index.js';

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
    const list = (keys: Record<string, string>) => Object.entries(keys).map(([id, key]) => ({ id, key, path: `t/${id}.txt`, text: () => (reads++, texts[id]), turns: () => turns(texts[id]) }));
    expect(refreshIndex(index, list({ A: 'a1', B: 'b1' }))).toEqual({ changed: true, indexed: 2 });
    expect(refreshIndex(index, list({ A: 'a1', B: 'b1' }))).toEqual({ changed: false, indexed: 0 });
    expect(reads).toBe(2);
    texts.B = 'the keyworker changed';
    expect(refreshIndex(index, list({ B: 'b2' }))).toEqual({ changed: true, indexed: 1 });
    expect([...index.docs.keys()]).toEqual(['B']);
    expect([...index.docs.get('B')!.words].map((w) => index.vocabulary[w])).toEqual(['the', 'keyworker', 'changed']);
  });

  it('keeps an entry whose file was touched but not changed, with the new stamp', () => {
    const index = emptyIndex();
    let reads = 0;
    const input = (mtimeMs: number) => [{ id: 'A', key: 'a1', path: 't/A.txt', stamp: { size: 15, mtimeMs, ctimeMs: mtimeMs, ino: 7 }, text: () => (reads++, 'methadone helps'), turns: () => turns('methadone helps') }];
    refreshIndex(index, input(1000));
    expect(refreshIndex(index, input(1000))).toEqual({ changed: false, indexed: 0 });
    expect(refreshIndex(index, input(2000))).toEqual({ changed: true, indexed: 0 });
    expect(reads).toBe(1);
    const back = parseIndex(serialiseIndex(index))!.docs.get('A')!;
    expect(back.path).toBe('t/A.txt');
    expect(back.stamp).toEqual({ size: 15, mtimeMs: 2000, ctimeMs: 2000, ino: 7 });
  });

  it('round-trips through bytes, and refuses bytes that are not an index', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 200 }), { maxKeys: 6 }), (texts) => {
        const index = emptyIndex();
        refreshIndex(index, Object.entries(texts).map(([id, t]) => ({ id, key: `k${t.length}`, path: `${id}.txt`, text: () => t, turns: () => turns(t) })));
        const back = parseIndex(serialiseIndex(index))!;
        expect(back.vocabulary).toEqual(index.vocabulary);
        expect(back.stems).toEqual(index.stems);
        expect([...back.docs.keys()].sort()).toEqual([...index.docs.keys()].sort());
        for (const [id, d] of index.docs) {
          const b = back.docs.get(id)!;
          expect(b.key).toBe(d.key);
          expect(b.path).toBe(d.path);
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

  it('is read piece by piece as it was written: postings, turns, lines and quotes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z][0-9]{1,3}$/), fc.array(fc.oneof(fc.constantFrom('methadone', 'dose', 'Script', "don't", 'café', '👍🏽', '\n', ' ', 'wait-list')), { maxLength: 60 }).map((a) => a.join(' ')), { maxKeys: 5 }), (texts) => {
        const index = emptyIndex();
        refreshIndex(index, Object.entries(texts).map(([id, t]) => ({ id, key: 'k', path: `${id}.txt`, text: () => t, turns: () => turns(t) })));
        const bytes = serialiseIndex(index);
        const file = openIndex(bytesReader(bytes), bytes.byteLength)!;
        expect(file.docs.map((d) => d.id)).toEqual([...index.docs.keys()].sort());
        // Each word's postings are exactly the places the transcripts' words say it is, in order.
        index.vocabulary.forEach((_, w) => {
          const p = file.postings(w);
          const expected: number[][] = [];
          file.docs.forEach((d) => {
            const doc = index.docs.get(d.id)!;
            doc.words.forEach((x, k) => x === w && expected.push([d.number, k, doc.starts[k], doc.lengths[k]]));
          });
          expect([...p.doc].map((_, i) => [p.doc[i], p.pos[i], p.start[i], p.length[i]])).toEqual(expected);
        });
        for (const d of file.docs) {
          const text = texts[d.id];
          expect(file.text(d.number)).toBe(text);
          expect([...file.turns(d.number).starts]).toEqual([...turns(text).starts]);
          expect(d.bmp).toBe(!/[\uD800-\uDFFF]/.test(text));
          const q = file.quotable(d.number);
          if (!q) continue;
          expect(q.slice(2, 9)).toBe(text.slice(2, 9));
          expect(q.slice(0, text.length + 5)).toBe(text);
          const lines = text.split('\n');
          let at = 0;
          lines.forEach((l, i) => {
            if (at < text.length) expect(q.line(at)).toBe(i + 1);
            at += l.length + 1;
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is not opened when cut short or damaged, so that it is rebuilt', () => {
    const index = emptyIndex();
    refreshIndex(index, [{ id: 'A', key: 'k', path: 'A.txt', text: () => 'methadone helps\nthe dose', turns: () => turns('methadone helps\nthe dose') }]);
    const bytes = serialiseIndex(index);
    expect(openIndex(bytesReader(bytes), bytes.byteLength)).toBeDefined();
    for (const cut of [8, 16, 40, bytes.byteLength - 4]) expect(openIndex(bytesReader(bytes.subarray(0, cut)), cut)).toBeUndefined();
    const garbled = Buffer.from(bytes);
    garbled.write('{', 16 + 2, 'latin1');
    expect(openIndex(bytesReader(garbled), garbled.byteLength)).toBeUndefined();
  });
});
