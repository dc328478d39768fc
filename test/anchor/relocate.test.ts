import { describe, expect, it } from 'vitest';
import { haystack, relocate, type Locked } from '../../src/anchor/relocate.js';
import { buildTranscript, defaultSpeakers } from '../../src/project/transcript.js';

const speakers = defaultSpeakers();
const T = (text: string) => buildTranscript('P1', '/p/P1.txt', text, speakers);

/** The lock record of `exact` (which must occur once) in `text`, as entryFor would make it. */
function lockOf(text: string, exact: string): Locked {
  const i = text.indexOf(exact);
  if (i === -1 || text.indexOf(exact, i + 1) !== -1) throw new Error('exact must occur once');
  const line = text.slice(0, i).split('\n').length;
  return { exact, prefix: text.slice(Math.max(0, i - 40), i), suffix: text.slice(i + exact.length, i + exact.length + 40), line };
}

const ORIGINAL = [
  'INT: Can you tell me how you came to the project?', // 1
  '', // 2
  'RESP: Through getting nicked, basically. They do the test now, the swab thing in your', // 3
  'mouth, and I come up for both. Heroin and the crack.', // 4
  '', // 5
  'INT: What happened after the test?', // 6
  '', // 7
  'RESP: This woman comes down to the cells, from the DIP, and she says I have got to see', // 8
  'her for an assessment. It is not optional, like.', // 9
  '',
].join('\n');

const PASSAGE = 'RESP: This woman comes down to the cells, from the DIP, and she says I have got to see\nher for an assessment. It is not optional, like.';

function place(edited: string, locked: Locked, expected = locked.line) {
  const t = T(edited);
  const o = relocate(haystack(t), locked, expected, speakers);
  if ('lost' in o) return { lost: o.lost };
  return { lines: `${o.found.startLine}-${o.found.endLine}`, text: edited.slice(o.found.start, o.found.end), method: o.found.method, similarity: o.found.similarity };
}

describe('relocate', () => {
  const locked = lockOf(ORIGINAL, PASSAGE);

  it('finds a passage exactly after lines were inserted above it', () => {
    const edited = ORIGINAL.replace('INT: What happened', '[Tape restarted]\n\nINT: What happened');
    expect(place(edited, locked)).toMatchObject({ lines: '10-11', method: 'exact', similarity: 1 });
  });

  it('ignores re-wrapping, CRLF line ends and renamed speakers', () => {
    const edited = ORIGINAL.replace('see\nher for', 'see her\nfor').replace(/RESP:/g, 'Participant:').replace(/\n/g, '\r\n');
    expect(place(edited, locked)).toMatchObject({ lines: '8-9', method: 'exact' });
  });

  it('finds a passage whose words were corrected, approximately, with its similarity', () => {
    const edited = ORIGINAL.replace('I have got to see', "I've got to see").replace('like.', 'like, you know.');
    const r = place(edited, locked);
    expect(r).toMatchObject({ lines: '8-9', method: 'fuzzy' });
    expect(r.similarity).toBeGreaterThan(0.9);
    expect(r.similarity).toBeLessThan(1);
  });

  it('widens an approximate match that stops inside a word to the whole word', () => {
    const quote = 'the swab thing in your\nmouth';
    const edited = ORIGINAL.replace('mouth, and', 'mouht, and');
    const r = place(edited, lockOf(ORIGINAL, quote));
    expect(r.text).toBe('the swab thing in your\nmouht');
  });

  it('reports a deleted passage as lost instead of moving it', () => {
    const edited = ORIGINAL.replace(PASSAGE, '');
    expect(place(edited, locked)).toHaveProperty('lost');
  });

  it('reports text that occurs twice with the same context as lost, unless the neighbours clearly decide', () => {
    const block = 'INT: And then?\n\nRESP: Yeah.\n\n';
    const original = `INT: Start.\n\n${block}RESP: Middle part of the interview that is long enough.\n\n${block}INT: End.\n`;
    const first = original.indexOf('RESP: Yeah.');
    const line = original.slice(0, first).split('\n').length;
    const locked2: Locked = { exact: 'RESP: Yeah.', prefix: original.slice(first - 40, first), suffix: original.slice(first + 11, first + 51), line };
    // Two identical blocks with identical surroundings: nothing tells them apart.
    const twice = `INT: Start.\n\n${block}${block}INT: End.\n`;
    expect(place(twice, locked2, 40)).toHaveProperty('lost');
  });

  it('finds a short text approximately only where everything around it is unchanged', () => {
    const short = lockOf(ORIGINAL, 'and the crack');
    expect(place(ORIGINAL.replace('the crack', 'the krack'), short)).toMatchObject({ lines: '4-4', text: 'and the krack', method: 'fuzzy' });
    const moved = ORIGINAL.replace('Heroin and the crack.', 'Heroin and the krack, you know, that was it.');
    expect(place(moved, short)).toHaveProperty('lost');
    // Fewer than 8 characters: exact or nothing.
    expect(place(ORIGINAL.replace('mouth,', 'mouht,'), lockOf(ORIGINAL, 'mouth,'))).toHaveProperty('lost');
  });

  it('does not take the only exact match of a short text whose surroundings have all changed', () => {
    const short = lockOf(ORIGINAL, 'Heroin and the crack.');
    const elsewhere = 'INT: Something else entirely, asked later on in the interview?\n\nRESP: Heroin and the crack. That was it, nothing more to say on that.\n';
    expect(place(elsewhere, short)).toHaveProperty('lost');
  });
});
