import { describe, expect, it } from 'vitest';
import { autoSummary as summaryOf, contentStems, sentences, stemCounts, stemIdf as idfOf } from '../../src/chart/autoSummary.js';

/** The summary of a passage in a cell of the given text. */
const autoSummary = (passage: string, cell: string, idf: Map<string, number>, keywords: string[]) => summaryOf(passage, stemCounts([contentStems(cell)]), idf, keywords);
const stemIdf = (texts: string[]) => idfOf(texts.map(contentStems));

describe('auto summaries', () => {
  const passage = 'Yeah. I was on the waiting list for weeks. Fourteen weeks I waited for a script, and I was using the whole time. The worker was nice enough.';
  const cell = `${passage} Then the script came through and the waiting was over.`;
  const idf = stemIdf([passage, 'The worker was nice. She listened.', 'My mum helped with the kids.']);

  it('splits a passage into the sentences the participant said', () => {
    expect(sentences('Yeah. I waited… weeks! Did they ring? No / I rang them')).toEqual(['Yeah.', 'I waited…', 'weeks!', 'Did they ring?', 'No / I rang them']);
  });

  it("picks the participant's own most telling sentences, in their order, marked [auto]", () => {
    // The best sentence has 14 words, enough alone; shorter ones take the next best with them until 12.
    expect(autoSummary(passage, cell, idf, [])).toBe('[auto] “Fourteen weeks I waited for a script, and I was using the whole time.”');
    const short = 'Yeah. Weeks on the waiting list. Fourteen weeks I waited, using. The worker was nice enough.';
    expect(autoSummary(short, short, stemIdf([short, 'The worker was nice.']), [])).toBe('[auto] “Weeks on the waiting list. … Fourteen weeks I waited, using. … The worker was nice enough.”');
  });

  it('weighs the sub-theme keywords double', () => {
    const text = 'The keyworker listens to me every week and never rushes me out of the room at all. I get my script on Fridays from the chemist by the station near the flat in town.';
    expect(autoSummary(text, text, stemIdf([text]), ['keyworker'])).toBe('[auto] “The keyworker listens to me every week and never rushes me out of the room at all.”');
    expect(autoSummary(text, text, stemIdf([text]), ['script'])).toBe('[auto] “I get my script on Fridays from the chemist by the station near the flat in town.”');
  });

  it('cuts at 40 words and gives nothing for a passage without words that count', () => {
    const long = `${Array.from({ length: 60 }, (_, i) => `methadone${i}`).join(' ')}.`;
    expect(autoSummary(long, long, stemIdf([long]), [])!.split(' ')).toHaveLength(42);
    expect(autoSummary('Yeah. Okay.', 'Yeah. Okay.', idf, [])).toBeUndefined();
  });
});
