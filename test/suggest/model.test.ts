import { describe, expect, it } from 'vitest';
import { emptyIndex, refreshIndex } from '../../src/search/index.js';
import { bagOf, features, keywordHits, keywordSets, predict, train } from '../../src/suggest/model.js';
import type { Frame, FrameNode } from '../../src/model/types.js';

const passages: [string, string][] = [
  ['1.1', 'They put my methadone dose up to sixty and the script is picked up at the chemist every morning.'],
  ['1.1', 'The doctor changed my script, the methadone dose holds me now, no more rattling at night.'],
  ['1.1', 'I get my methadone from the chemist, supervised, the dose was titrated slowly.'],
  ['1.3', 'The council found me a flat after the hostel, and the housing officer sorted the benefits.'],
  ['1.3', 'No money for the bus fare, rent arrears, the hostel wanted me out, housing was the worst.'],
  ['1.3', 'My benefits were stopped and the rent went unpaid until the housing worker rang them.'],
];

function indexOf(texts: string[]) {
  const index = emptyIndex();
  const turns = (t: string) => ({ starts: Int32Array.of(0), ends: Int32Array.of(t.length), label: Int32Array.of(-1), interviewer: Uint8Array.of(0), labels: [] });
  refreshIndex(index, texts.map((t, i) => ({ id: `d${i}`, key: 'k', path: `d${i}.txt`, text: () => t, turns: () => turns(t) })));
  return index;
}

describe('the suggestion model', () => {
  const index = indexOf([...passages.map((p) => p[1]), 'Waiting for the chemist to open, then my dose, then home to the flat.', 'The housing people never rang back about the flat.']);
  const f = features(index.vocabulary);
  const bag = (i: number) => {
    const d = index.docs.get(`d${i}`)!;
    return bagOf(d, 0, d.words.length, f);
  };
  const model = train(passages.map((p, i) => ({ bag: bag(i), code: p[0] })), f);

  it('leaves stopwords out of the features and keeps one feature per stem', () => {
    expect(f.stems).not.toContain('the');
    expect(f.stems).toContain('methadon');
    expect(f.stems.filter((s) => s === 'dose')).toHaveLength(1);
  });

  it('suggests the code whose passages a new passage is most like, with the words that made it so', () => {
    const s = predict(model, bag(6), 2, 0.05);
    expect(s[0].code).toBe('1.1');
    expect(s[0].words).toEqual(expect.arrayContaining(['chemist', 'dose']));
    expect(predict(model, bag(7), 1, 0.05)[0]).toMatchObject({ code: '1.3' });
  });

  it('is deterministic, and a threshold of 1 suggests nothing', () => {
    const again = train(passages.map((p, i) => ({ bag: bag(i), code: p[0] })), f);
    expect(predict(again, bag(6), 2, 0.05)).toEqual(predict(model, bag(6), 2, 0.05));
    expect(predict(model, bag(6), 2, 1)).toEqual([]);
  });
});

describe('keyword suggestions', () => {
  it('finds keywords by stem and keywords of several words as phrases', () => {
    const index = indexOf(['I was waiting for the bus, no fare, and then the buses stopped.']);
    const node = (id: string, keywords: string[]): FrameNode => ({ id, label: id, keywords, depth: 1, theme: '1', column: id });
    const frame: Frame = { themes: [], nodes: new Map([['1.3', node('1.3', ['bus fare', 'benefits'])], ['1.4', node('1.4', ['wait', 'weeks'])]]), order: ['1.3', '1.4'] };
    const d = index.docs.get('d0')!;
    const hits = keywordHits(d, 0, d.words.length, keywordSets(frame, index.vocabulary));
    expect(hits).toEqual([{ code: '1.4', score: 1, words: ['wait'] }]);
    const index2 = indexOf(['No bus fare and my benefits stopped.']);
    const d2 = index2.docs.get('d0')!;
    expect(keywordHits(d2, 0, d2.words.length, keywordSets(frame, index2.vocabulary))).toEqual([{ code: '1.3', score: 2, words: ['bus fare', 'benefits'] }]);
  });
});
